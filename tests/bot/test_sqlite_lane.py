"""A SQLite store's transactions asked for together share a commit; each still succeeds or
fails on its own."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.store import Database
from bot.testing import sqlite_url


class Refused(Exception):
    pass


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    store = Database(sqlite_url(tmp_path))

    def create(connection: Connection) -> None:
        connection.exec_driver_sql("CREATE TABLE notes (body TEXT NOT NULL)")

    await store.transact(create)
    yield store
    await store.close()


def insert(body: str, *, then_fail: bool = False) -> Callable[[Connection], str]:
    def work(connection: Connection) -> str:
        connection.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": body})
        if then_fail:
            raise Refused(body)
        return body

    return work


async def stored(database: Database) -> list[str]:
    def read(connection: Connection) -> list[str]:
        rows = connection.exec_driver_sql("SELECT body FROM notes ORDER BY body")
        return [row[0] for row in rows]

    return await database.transact(read)


async def test_work_waiting_together_commits_together_and_a_failure_stays_its_own(
    database: Database,
) -> None:
    started, release = threading.Event(), threading.Event()

    def hold(_connection: Connection) -> None:  # keeps the thread busy while the rest queue
        started.set()
        release.wait(5)

    holding = asyncio.create_task(database.transact(hold))
    await asyncio.to_thread(started.wait, 5)
    waiting = [
        asyncio.create_task(database.transact(insert("a"))),
        asyncio.create_task(database.transact(insert("b", then_fail=True))),
        asyncio.create_task(database.transact(insert("c"))),
    ]
    await asyncio.sleep(0.05)  # all three are waiting for the thread
    release.set()
    await holding
    outcomes = await asyncio.gather(*waiting, return_exceptions=True)
    assert outcomes[0] == "a" and outcomes[2] == "c"
    assert isinstance(outcomes[1], Refused)
    assert await stored(database) == ["a", "c"]  # b's row rolled back, not its neighbours'


async def test_a_lone_work_that_fails_leaves_nothing_written(database: Database) -> None:
    with pytest.raises(Refused):
        await database.transact(insert("x", then_fail=True))
    assert await database.transact(insert("y")) == "y"
    assert await stored(database) == ["y"]


async def test_what_is_committed_is_there_for_the_next_reads(database: Database) -> None:
    await asyncio.gather(*(database.transact(insert(f"n{i}")) for i in range(50)))
    assert await database.scalar(text("SELECT count(*) FROM notes")) == 50


def synchronous(connection: Connection) -> int:
    return int(connection.exec_driver_sql("PRAGMA synchronous").scalar_one())


FULL, NORMAL = 2, 1


async def test_only_a_batch_of_leases_commits_without_syncing_the_disk(database: Database) -> None:
    """A claim (durable=False) may be lost to a power loss, never anything else: a commit
    holding any durable work is synced, and so is the one after a lease."""
    assert await database.transact(synchronous, durable=False) == NORMAL
    assert await database.transact(synchronous) == FULL
    started, release = threading.Event(), threading.Event()

    def hold(_connection: Connection) -> None:
        started.set()
        release.wait(5)

    holding = asyncio.create_task(database.transact(hold))
    await asyncio.to_thread(started.wait, 5)
    together = [asyncio.create_task(database.transact(synchronous, durable=False)),
                asyncio.create_task(database.transact(synchronous))]
    await asyncio.sleep(0.05)
    release.set()
    await holding
    assert await asyncio.gather(*together) == [FULL, FULL]
