"""The resume point on SQLite and PostgreSQL: a new store starts now, a known one where it was."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot import app as app_module
from bot.app import MARK_JOB, Application
from bot.memory_chat import MemoryChat
from bot.models import Room, RoomType, User
from bot.resume import OVERLAP, ResumePoint
from bot.store import Database
from bot.store.repositories import ChatMarks
from bot.testing import eventually
from commands.core_feature import feature as core
from composition.testing import make_settings, sqlite_url

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
async def database(store_url: str) -> AsyncIterator[Database]:
    opened = Database(store_url)
    await opened.migrate()
    try:
        yield opened
    finally:
        await opened.close()


def point(database: Database, at: datetime) -> ResumePoint:
    """One process's view: a restart is a new one on the same store."""
    return ResumePoint(ChatMarks(database), FixedClock(at))


async def test_the_migration_adds_the_mark_table(database: Database) -> None:
    names = await database.transact(lambda sync: inspect(sync).get_table_names())
    assert "chat_marks" in names


async def test_a_store_that_never_saw_the_chat_resumes_from_now(database: Database) -> None:
    assert await point(database, T0).since() == T0
    # Restarted a minute later having handled nothing: still nothing from before its start.
    assert await point(database, T0 + timedelta(minutes=1)).since() == T0


async def test_a_restart_resumes_a_little_before_what_was_handled(database: Database) -> None:
    first = point(database, T0)
    await first.since()
    handled = T0 + timedelta(minutes=30)
    first.received(handled)
    first.finished(handled)
    await first.save()
    again = point(database, T0 + timedelta(hours=5))
    assert await again.since() == handled - OVERLAP


async def test_a_command_still_running_holds_the_mark_back(database: Database) -> None:
    first = point(database, T0)
    await first.since()
    slow, quick = T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)
    first.received(slow)
    first.received(quick)
    first.finished(quick)
    await first.save()  # the process dies while the slow one runs
    assert await point(database, T0 + timedelta(hours=1)).since() == slow - OVERLAP
    first.finished(slow)
    assert first.handled_until == quick


async def test_the_mark_never_moves_back(database: Database) -> None:
    marks = ChatMarks(database)
    await marks.begin(T0)
    await marks.advance(T0 + timedelta(minutes=30))
    await marks.advance(T0 + timedelta(minutes=10))  # a replica that stepped down, late
    mark = await marks.read()
    assert mark is not None
    assert (mark.first_seen_at, mark.handled_until) == (T0, T0 + timedelta(minutes=30))
    assert (await marks.begin(T0 + timedelta(days=1))).first_seen_at == T0


async def test_a_handled_message_is_written_down_and_an_idle_bot_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_module, "MARK_SAVE_SECONDS", 0.05)
    chat = MemoryChat()
    user = chat.add_user(User("u-1", "agent", "Agent", frozenset({"user"})))
    room = chat.add_room(Room("dm-agent", "agent", RoomType.DIRECT), ["bot", user.id])
    app = Application(make_settings(sqlite_url(tmp_path)), chat, features=[core],
                      serve_http=False)
    await app.start()
    try:
        marks = ChatMarks(app.database)
        await marks.begin(T0)  # the in-memory chat does not ask where to resume from
        assert not app.runtime.scheduler.has(MARK_JOB)  # nothing handled: no save to wake for
        event = chat.event(user, room, "/aide")
        await app.submit(event)
        written: list[datetime] = []

        async def read() -> None:
            mark = await marks.read()
            if mark is not None and mark.handled_until > T0:
                written.append(mark.handled_until)

        for _ in range(250):  # five seconds at most, for a save due after 0.05 s
            await read()
            if written:
                break
            await asyncio.sleep(0.02)
        assert written and written[0] >= event.timestamp
        await eventually(lambda: not app.runtime.scheduler.has(MARK_JOB))  # until the next one
    finally:
        await app.stop()
