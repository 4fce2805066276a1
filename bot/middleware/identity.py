"""Completes the sender with their roles from the chat server, cached for a few minutes."""

from __future__ import annotations

import time
from dataclasses import replace

from bot.invocation import Invocation, Next
from bot.models import User
from bot.ports import ChatPort

ROLES_TTL_SECONDS = 300.0


class Identity:
    def __init__(self, chat: ChatPort, ttl: float = ROLES_TTL_SECONDS) -> None:
        self._chat = chat
        self._ttl = ttl
        self._cache: dict[str, tuple[float, User]] = {}

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        sender = invocation.event.user
        if not sender.roles:
            known = await self._lookup(sender.id)
            if known is not None:
                invocation.user = replace(
                    sender,
                    roles=known.roles,
                    display_name=sender.display_name or known.display_name,
                )
        await call_next(invocation)

    async def _lookup(self, user_id: str) -> User | None:
        cached = self._cache.get(user_id)
        now = time.monotonic()
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        user = await self._chat.user(user_id)
        if user is not None:
            self._cache[user_id] = (now, user)
        return user
