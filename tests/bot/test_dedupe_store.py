"""Dedupe leases on SQLite and PostgreSQL: one winner, crashed claims taken over, done kept."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Column, DateTime, MetaData, String, Table, inspect
from sqlalchemy.engine import Connection

from bot.store import Database
from bot.store.database import alembic_config
from bot.store.repositories import CLAIM_LEASE, AuditLog, AuditRecord, ProcessedMessages
from bot.store.tables import utcnow

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
NEW_REVISION = "0002_core"
OLD_PROCESSED = Table(
    "processed_messages",
    MetaData(),
    Column("message_id", String(64), primary_key=True),
    Column("processed_at", DateTime(timezone=True)),
)


@pytest.fixture
async def processed(store_url: str) -> AsyncIterator[ProcessedMessages]:
    database = Database(store_url)
    await database.migrate()
    try:
        yield ProcessedMessages(database)
    finally:
        await database.close()


async def test_a_fresh_claim_wins_and_a_second_one_loses(processed: ProcessedMessages) -> None:
    assert await processed.claim("m1", now=T0) is True
    assert await processed.claim("m1", now=T0 + timedelta(seconds=1)) is False
    assert await processed.claim("m2", now=T0) is True


async def test_an_unfinished_claim_is_taken_over_after_the_lease(
    processed: ProcessedMessages,
) -> None:
    await processed.claim("m1", now=T0)
    assert await processed.claim("m1", now=T0 + CLAIM_LEASE - timedelta(seconds=1)) is False
    taken_at = T0 + CLAIM_LEASE + timedelta(seconds=1)
    assert await processed.claim("m1", now=taken_at) is True
    # the new holder has a lease of its own
    assert await processed.claim("m1", now=taken_at + timedelta(seconds=1)) is False


async def test_a_done_message_is_never_taken_over(processed: ProcessedMessages) -> None:
    await processed.claim("m1", now=T0)
    await processed.mark_done("m1")
    assert await processed.claim("m1", now=T0 + CLAIM_LEASE * 100) is False


async def test_racing_take_overs_have_one_winner(processed: ProcessedMessages) -> None:
    await processed.claim("m1", now=T0)
    later = T0 + CLAIM_LEASE * 2
    results = await asyncio.gather(*(processed.claim("m1", now=later) for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]


async def test_retention_still_forgets_old_ids(processed: ProcessedMessages) -> None:
    await processed.claim("old", now=datetime.now(UTC) - timedelta(days=8))
    await processed.claim("new")
    assert await processed.forget_older_than(timedelta(days=7)) == 1
    assert not await processed.seen("old")
    assert await processed.seen("new")


async def test_migration_from_an_empty_database_adds_the_lease(store_url: str) -> None:
    database = Database(store_url)
    try:
        await database.migrate()
        await database.migrate()
        columns = await database.transact(_columns)
        assert {"message_id", "processed_at", "claimed_at", "done"} <= columns
    finally:
        await database.close()


async def test_migration_from_the_previous_revision_keeps_handled_ids_handled(
    store_url: str,
) -> None:
    database = Database(store_url)
    try:
        await database.transact(_upgrade_to_previous_release)
        await database.execute(
            OLD_PROCESSED.insert().values(
                message_id="before-upgrade", processed_at=datetime.now(UTC) - CLAIM_LEASE * 10
            )
        )
        await database.migrate()
        processed = ProcessedMessages(database)
        assert await processed.claim("before-upgrade") is False  # never run a second time
        assert await processed.seen("before-upgrade")
        assert await processed.claim("after-upgrade") is True
        assert await processed.forget_older_than(timedelta(0)) == 2
    finally:
        await database.close()


async def test_a_replica_still_on_the_old_release_keeps_working_after_the_upgrade(
    store_url: str,
) -> None:
    """Rolling upgrade: the new replica migrates while the old one still leads and inserts
    (message_id, processed_at) only; its claims must still succeed and count as done."""
    database = Database(store_url)
    try:
        await database.migrate()
        await database.execute(
            OLD_PROCESSED.insert().values(message_id="old-leader", processed_at=utcnow())
        )
        processed = ProcessedMessages(database)
        assert await processed.claim("old-leader", now=utcnow() + CLAIM_LEASE * 2) is False
    finally:
        await database.close()


def _columns(connection: Connection) -> set[str]:
    return {c["name"] for c in inspect(connection).get_columns("processed_messages")}


def _upgrade_to_previous_release(connection: Connection) -> None:
    """Every branch at its head, except the core branch just before NEW_REVISION."""
    config = alembic_config(connection)
    script = ScriptDirectory.from_config(config)
    heads = set(script.get_heads())
    core_head = {h for h in heads if NEW_REVISION in _lineage(script, h)}
    assert len(core_head) == 1
    previous = script.get_revision(NEW_REVISION).down_revision
    assert isinstance(previous, str)
    for target in sorted(heads - core_head | {previous}):
        command.upgrade(config, target)
    assert "claimed_at" not in _columns(connection)


def _lineage(script: ScriptDirectory, head: str) -> set[str]:
    return {revision.revision for revision in script.iterate_revisions(head, "base")}


async def test_claims_made_together_share_commits_and_each_gets_its_own_answer(
    processed: ProcessedMessages,
) -> None:
    """A burst (a catch-up) claims in shared transactions: new ids win, a done one and one
    still leased lose, a crashed one is taken over, an id twice has one winner."""
    await processed.claim("done", now=T0)
    await processed.mark_done("done")
    await processed.claim("leased", now=T0 + CLAIM_LEASE)
    await processed.claim("crashed", now=T0)
    later = T0 + CLAIM_LEASE + timedelta(seconds=1)
    wanted = ["new-1", "done", "new-2", "leased", "crashed", "twice", "twice"]
    answers = await asyncio.gather(*(processed.claim(key, now=later) for key in wanted))
    assert dict(zip(wanted[:5], answers[:5], strict=True)) == {
        "new-1": True, "done": False, "new-2": True, "leased": False, "crashed": True}
    assert sorted(answers[5:]) == [False, True]
    entries = {key: AuditRecord("u1", "marie", "r1", "langue", "ok", key)
               for key in ("new-1", "new-2", "crashed")}
    await asyncio.gather(*(processed.mark_done(key, also=[AuditLog.write(entry)])
                           for key, entry in entries.items()))
    audited = await AuditLog(processed._db).recent()  # noqa: SLF001
    assert sorted(r.correlation_id for r in audited) == sorted(entries)  # each its own row
    much_later = later + CLAIM_LEASE * 10
    again = await asyncio.gather(*(processed.claim(key, now=much_later)
                                   for key in ("new-1", "new-2", "crashed", "twice")))
    assert again == [False, False, False, True]  # done stays done; an unfinished one expires


async def test_a_batch_that_cannot_commit_fails_every_caller_in_it(
    processed: ProcessedMessages, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = processed._db  # noqa: SLF001 - the store under the repository

    class Unavailable(Exception):
        pass

    real = database.transact

    async def broken(work: Callable[[Connection], object], *, durable: bool = True) -> object:
        def write_then_fail(connection: Connection) -> object:
            work(connection)  # the batch's INSERT ran: the failure must roll it back
            raise Unavailable("the store is down")

        return await real(write_then_fail, durable=durable)

    monkeypatch.setattr(database, "transact", broken)
    outcomes = await asyncio.gather(*(processed.claim(f"m{n}", now=T0) for n in range(5)),
                                    return_exceptions=True)
    assert all(isinstance(outcome, Unavailable) for outcome in outcomes)
    monkeypatch.setattr(database, "transact", real)
    assert await processed.claim("m1", now=T0) is True  # nothing was half-written


async def test_a_windowed_id_is_new_again_once_its_window_has_passed(
    processed: ProcessedMessages,
) -> None:
    """A board change told twice within minutes is one; the same change later is another."""
    window = timedelta(minutes=5)
    assert await processed.claim("card-moved", now=T0, window=window) is True
    await processed.mark_done("card-moved")
    soon = T0 + timedelta(minutes=4)
    assert await processed.claim("card-moved", now=soon, window=window) is False
    later = T0 + timedelta(minutes=6)
    assert await processed.claim("card-moved", now=later, window=window) is True
    assert await processed.claim("card-moved", now=later, window=window) is False  # leased now
    assert await processed.claim("card-moved", now=later + CLAIM_LEASE * 2, window=window) is True
