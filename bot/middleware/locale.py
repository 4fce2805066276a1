"""Answers each user in the language they chose (fr by default)."""

from __future__ import annotations

from bot.i18n import Catalogs
from bot.invocation import Invocation, Next
from bot.store.repositories import Preferences


class LocaleSelection:
    def __init__(self, preferences: Preferences, catalogs: Catalogs) -> None:
        self._preferences = preferences
        self._catalogs = catalogs

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        event = invocation.chat_event
        if event is not None:  # a board change or a tick speaks the default language
            chosen = await self._preferences.locale(event.user.id)
            invocation.translator = self._catalogs.get(chosen)
        await call_next(invocation)
