"""High availability on PostgreSQL: one leader consumes and schedules, a standby takes over."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.app import Application
from bot.config import HaSettings
from bot.memory_chat import MemoryChat
from bot.runtime import Runtime
from bot.testing import make_settings, sqlite_url
from bot.wiring import core


def replica(store_url: str, ticks: list[str], name: str) -> tuple[Application, MemoryChat]:
    settings = make_settings(store_url).model_copy(update={"ha": HaSettings(poll_seconds=0.1)})
    chat = MemoryChat()

    async def ticking(runtime: Runtime) -> None:
        async def tick() -> None:
            ticks.append(name)

        runtime.scheduler.every("tick", 0.05, tick)

    return Application(settings, chat, features=[core.install, ticking], serve_http=False), chat


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_one_leader_then_the_standby_takes_over(postgres_url: str) -> None:
    ticks: list[str] = []
    first, first_chat = replica(postgres_url, ticks, "first")
    second, second_chat = replica(postgres_url, ticks, "second")
    await first.start()
    await second.start()
    try:
        assert (first.role, second.role) == ("leader", "standby")
        assert first_chat.ready and not second_chat.ready  # only the leader consumes events
        await eventually(lambda: ticks.count("first") >= 3)
        assert "second" not in ticks  # scheduled work runs on the leader only
        assert await second.readiness() == {"store": True}  # a standby is ready to serve
        await first.stop()
        assert first.role == "standby"
        await eventually(lambda: second.role == "leader")
        assert second_chat.ready
        await eventually(lambda: "second" in ticks)
    finally:
        await second.stop()
        if first.role == "leader":  # the test failed before stopping it
            await first.stop()


async def test_sqlite_store_always_leads(tmp_path: Path) -> None:
    app, chat = replica(sqlite_url(tmp_path), [], "solo")
    await app.start()
    try:
        assert app.role == "leader" and chat.ready
    finally:
        await app.stop()
