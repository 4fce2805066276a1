"""High availability on PostgreSQL: one leader consumes and schedules, a standby takes over."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import Application
from bot.config import HaSettings
from bot.feature import Feature
from bot.memory_chat import MemoryChat
from bot.runtime import Runtime
from bot.store.repositories import Preferences
from commands.core_feature import feature as core
from composition.testing import eventually, make_settings, sqlite_url


def replica(store_url: str, ticks: list[str], name: str) -> tuple[Application, MemoryChat]:
    settings = make_settings(store_url).model_copy(update={"ha": HaSettings(poll_seconds=0.1)})
    chat = MemoryChat()

    async def ticking(runtime: Runtime) -> None:
        async def tick() -> None:
            ticks.append(name)

        runtime.scheduler.every("tick", 0.05, tick)

    features = [core, Feature("ticking", install=ticking)]
    return Application(settings, chat, features=features, serve_http=False), chat


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
        # One process by construction: nothing wakes it up to check a lock.
        assert not any(task.get_name() == "leadership" for task in asyncio.all_tasks())
    finally:
        await app.stop()


class SlowToStopChat(MemoryChat):
    """A chat whose stop hangs, like a transport draining while Rocket.Chat is down."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.stopping = False

    async def stop(self) -> None:
        self.stopping = True
        await self.release.wait()
        await super().stop()


async def test_a_leader_that_loses_its_lock_stops_scheduling_before_its_chat_has_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks: list[str] = []
    settings = make_settings(sqlite_url(tmp_path)).model_copy(
        update={"ha": HaSettings(poll_seconds=0.05)}
    )
    chat = SlowToStopChat()

    async def ticking(runtime: Runtime) -> None:
        async def tick() -> None:
            ticks.append("old leader")

        runtime.scheduler.every("tick", 0.02, tick)

    features = [core, Feature("ticking", install=ticking)]
    app = Application(settings, chat, features=features, serve_http=False)
    # A lock that can be lost, as on PostgreSQL (a SQLite store's is never watched).
    monkeypatch.setattr(app._leadership, "contested", True)
    await app.start()
    try:
        await eventually(lambda: len(ticks) >= 2)

        async def lost() -> bool:
            return False

        monkeypatch.setattr(app._leadership, "still_held", lost)  # its lock is gone
        await eventually(lambda: chat.stopping)
        scheduled_so_far = len(ticks)
        await asyncio.sleep(0.2)  # ten tick periods while the chat is still stopping
        assert len(ticks) == scheduled_so_far  # the new leader runs the jobs, not this one
        assert app.role == "standby"
    finally:
        chat.release.set()
        await app.stop()


async def test_a_standby_that_takes_over_answers_in_the_language_chosen_meanwhile(
    postgres_url: str,
) -> None:
    first, _ = replica(postgres_url, [], "first")
    second, _ = replica(postgres_url, [], "second")
    await first.start()
    await second.start()
    try:
        standby_view = second.runtime.services.get(Preferences)
        assert await standby_view.locale("u1") is None  # read while standing by
        await first.runtime.services.get(Preferences).set_locale("u1", "en")
        await first.stop()
        await eventually(lambda: second.role == "leader")
        assert await standby_view.locale("u1") == "en"
    finally:
        await second.stop()
        if first.role == "leader":
            await first.stop()


async def test_a_replica_that_leads_again_runs_its_scheduled_jobs_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks: list[str] = []
    app, chat = replica(sqlite_url(tmp_path), ticks, "replica")
    monkeypatch.setattr(app._leadership, "contested", True)  # a lock that can be lost
    await app.start()
    held = True

    async def check() -> bool:
        return held

    monkeypatch.setattr(app._leadership, "still_held", check)
    monkeypatch.setattr(app._leadership, "try_acquire", check)
    try:
        await eventually(lambda: len(ticks) >= 2)
        held = False  # its lock is gone: it stands by
        await eventually(lambda: app.role == "standby")
        held = True  # the lock is free again: it leads again
        await eventually(lambda: app.role == "leader")
        again = len(ticks)
        await eventually(lambda: len(ticks) >= again + 2)  # its jobs run again
        assert chat.ready
    finally:
        await app.stop()
