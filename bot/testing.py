"""A harness to drive the whole pipeline in tests: real router, store and catalogs, fake chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.app import Application
from bot.config import Settings, StoreSettings
from bot.events import CallStarted, Event
from bot.memory_chat import MemoryChat, Sent
from bot.models import Room, RoomType, User
from bot.ports import Clock
from bot.routing import Router
from bot.runtime import Feature, Runtime
from bot.wiring import FEATURES

AGENT = User("u-marie", "marie", "Marie Curie", frozenset({"user"}))
CRISIS_LEAD = User("u-sophie", "sophie", "Sophie Germain", frozenset({"user", "crise"}))
ADMIN = User("u-admin", "admin", "Admin", frozenset({"admin", "user"}))
TEAM_ROOM = Room("r-team", "equipe-projet", RoomType.PRIVATE)


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Returns once `condition()` holds; fails the test if it still does not after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def make_settings(store_url: str, **overrides: object) -> Settings:
    base = Settings(store=StoreSettings(url=store_url))
    return base.model_copy(update=overrides)


class BotHarness:
    """`await harness.say("/aide")` returns what the bot sent in answer."""

    def __init__(
        self,
        settings: Settings,
        *,
        features: Sequence[Feature] = FEATURES,
        clock: Clock | None = None,
    ) -> None:
        self.chat = MemoryChat(settings.rocketchat.username)
        for user in (AGENT, CRISIS_LEAD, ADMIN):
            self.chat.add_user(user)
        self.chat.add_room(TEAM_ROOM, ["bot", AGENT.id, CRISIS_LEAD.id, ADMIN.id])
        self.app = Application(
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


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'bot.db'}"


def feature_of(*routers: Router) -> Feature:
    """A feature that only adds commands: what a test declares to probe the pipeline."""

    async def install(runtime: Runtime) -> None:
        runtime.routers.extend(routers)

    return install
