"""A harness to drive the whole bot in tests: the features and adapters the composition root
binds, the real pipeline, store and catalogs, and an in-memory chat."""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import StoreSettings
from bot.events import CallStarted, Event
from bot.feature import Feature
from bot.memory_chat import MemoryChat, Sent
from bot.models import Room, User
from bot.ports import Clock
from bot.testing import ADMIN, AGENT, CRISIS_LEAD, TEAM_ROOM, eventually, sqlite_url
from composition.features import DEFAULT_FEATURES
from composition.root import build_application
from composition.settings import EnsembleSettings as Settings

__all__ = [
    "ADMIN",
    "AGENT",
    "CRISIS_LEAD",
    "TEAM_ROOM",
    "BotHarness",
    "eventually",
    "make_settings",
    "sqlite_url",
]


def make_settings(store_url: str, **overrides: object) -> Settings:
    base = Settings(store=StoreSettings(url=store_url))
    return base.model_copy(update=overrides)


class BotHarness:
    """`await harness.say("/aide")` returns what the bot sent in answer."""

    def __init__(
        self,
        settings: Settings,
        *,
        features: Sequence[Feature] = DEFAULT_FEATURES,
        clock: Clock | None = None,
    ) -> None:
        self.chat = MemoryChat(settings.rocketchat.username)
        for user in (AGENT, CRISIS_LEAD, ADMIN):
            self.chat.add_user(user)
        self.chat.add_room(TEAM_ROOM, ["bot", AGENT.id, CRISIS_LEAD.id, ADMIN.id])
        self.app = build_application(
            settings, self.chat, features=features, clock=clock, serve_http=False
        )

    async def __aenter__(self) -> BotHarness:
        await self.app.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.app.stop()

    async def say(
        self,
        text: str,
        *,
        user: User = AGENT,
        room: Room = TEAM_ROOM,
        thread_id: str | None = None,
    ) -> list[Sent]:
        return await self.feed(self.chat.event(user, room, text, thread_id=thread_id))

    async def feed(self, event: Event) -> list[Sent]:
        before = len(self.chat.sent)
        await self.app.handle(event)
        return self.chat.sent[before:]

    async def call(
        self, user: User = AGENT, room: Room = TEAM_ROOM, call_id: str = "call1"
    ) -> list[Sent]:
        event = self.chat.event(user, room, "")
        call = CallStarted(
            message_id=event.message_id,
            user=user,
            room=room,
            text="",
            timestamp=event.timestamp,
            call_id=call_id,
        )
        return await self.feed(call)
