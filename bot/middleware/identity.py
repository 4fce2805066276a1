"""Completes the sender with their global roles and their roles in this room, cached briefly."""

from __future__ import annotations

import time
from dataclasses import replace

from bot.invocation import Invocation, Next
from bot.models import RoomRole, User
from bot.ports import ChatPort

ROLES_TTL_SECONDS = 300.0
ROOM_ROLES_TTL_SECONDS = 60.0


class Identity:
    def __init__(self, chat: ChatPort, ttl: float = ROLES_TTL_SECONDS) -> None:
        self._chat = chat
        self._ttl = ttl
        self._users: dict[str, tuple[float, User]] = {}
        self._room_roles: dict[tuple[str, str], tuple[float, frozenset[RoomRole]]] = {}

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        event = invocation.chat_event
        if event is None:  # no chat user behind a board change or a tick
            await call_next(invocation)
            return
        sender = event.user
        roles, display_name = sender.roles, sender.display_name
        if not roles:
            known = await self._user(sender.id)
            if known is not None:
                roles, display_name = known.roles, display_name or known.display_name
        # Room ownership is what lets someone manage what others shared in that room.
        room_roles = await self._roles_in_room(event.room.id, sender.id)
        invocation.user = replace(
            sender, roles=roles, room_roles=room_roles, display_name=display_name
        )
        await call_next(invocation)

    async def _user(self, user_id: str) -> User | None:
        cached = self._users.get(user_id)
        now = time.monotonic()
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        user = await self._chat.user(user_id)
        if user is not None:
            self._users[user_id] = (now, user)
        return user

    async def _roles_in_room(self, room_id: str, user_id: str) -> frozenset[RoomRole]:
        key, now = (room_id, user_id), time.monotonic()
        cached = self._room_roles.get(key)
        if cached and now - cached[0] < ROOM_ROLES_TTL_SECONDS:
            return cached[1]
        roles = await self._chat.room_roles(room_id, user_id)
        self._room_roles[key] = (now, roles)
        return roles
