"""Room↔board links, board snapshots and webhook dedupe, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bot.ports.boards import BoardEvent, CardChange
from bot.store import Database
from commands import kanban
from commands.kanban.store import (
    BOARD_INBOX,
    BoardEventLog,
    BoardInbox,
    BoardLinks,
    BoardSnapshots,
    CardState,
    Snapshot,
)

# The slice's own revisions, as the Application passes them for an enabled feature.
assert kanban.feature.migrations is not None
MIGRATIONS = [kanban.feature.migrations]


async def test_links_snapshots_and_seen_events_survive_a_restart(store_url: str) -> None:
    database = Database(store_url)
    await database.migrate(MIGRATIONS)
    links, snapshots = BoardLinks(database), BoardSnapshots(database)
    seen = BoardEventLog(database)
    await links.link("r-team", "B1", "Équipe projet", "u-marie")
    await links.link("r-crise", "B1", "Équipe projet", "u-sophie")
    await links.link("r-team", "B2", "Autre", "u-marie")  # relinking replaces
    await snapshots.save(Snapshot("B2", {"L1": "m|c"}, {"C1": CardState("L1", "Écrire", None)}))
    await snapshots.record_card("B2", "C2", CardState("L1", "Bot", "2026-03-03T09:00:00+00:00"))
    await snapshots.record_card("B2", "C1", None)
    await snapshots.record_card("B9", "C9", CardState("L9", "no snapshot", None))
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert await seen.claim("k1", now, timedelta(minutes=5))
    assert not await seen.claim("k1", now + timedelta(minutes=1), timedelta(minutes=5))
    assert await seen.claim("k1", now + timedelta(minutes=6), timedelta(minutes=5))
    await database.close()

    reopened = Database(store_url)
    await reopened.migrate(MIGRATIONS)
    links, snapshots = BoardLinks(reopened), BoardSnapshots(reopened)
    linked = await links.board_for("r-team")
    assert linked is not None and (linked.board_id, linked.board_title) == ("B2", "Autre")
    assert await links.rooms_for("B1") == ["r-crise"]
    assert {x.room_id for x in await links.all()} == {"r-team", "r-crise"}
    assert await links.board_for("r-none") is None
    snapshot = await snapshots.get("B2")
    assert snapshot is not None and snapshot.lists == {"L1": "m|c"}
    assert snapshot.cards == {"C2": CardState("L1", "Bot", "2026-03-03T09:00:00+00:00")}
    assert await snapshots.get("B9") is None
    assert await links.unlink("r-crise")
    assert await links.rooms_for("B1") == []
    await reopened.close()


async def test_a_room_linked_twice_at_once_keeps_one_board(store_url: str) -> None:
    database = Database(store_url)
    await database.migrate(MIGRATIONS)
    links = BoardLinks(database)
    await asyncio.gather(
        *(links.link("r-team", f"B{n}", f"Tableau {n}", "u-marie") for n in range(8))
    )
    linked = await links.board_for("r-team")
    assert linked is not None and linked.board_title == f"Tableau {linked.board_id[1:]}"
    assert [x.room_id for x in await links.all()] == ["r-team"]
    await database.close()


async def test_the_webhook_inbox_keeps_events_in_arrival_order_until_told(
    store_url: str,
) -> None:
    database = Database(store_url)
    await database.migrate(MIGRATIONS)
    inbox = BoardInbox(database)
    moved = BoardEvent(
        CardChange.MOVED,
        "B1",
        "C1",
        actor_name="Marie Curie",
        list_id="L2",
        old_list_id="L1",
        key="k-moved",
    )
    archived = BoardEvent(CardChange.ARCHIVED, "B1", "C1", actor_username="marie", key="k-arch")
    await inbox.put(moved)
    await inbox.put(archived)
    await database.close()

    reopened = Database(store_url)  # what a standby accepted is still there for the leader
    await reopened.migrate(MIGRATIONS)
    inbox = BoardInbox(reopened)
    first, second = await inbox.oldest(10)
    assert (first.event, second.event) == (moved, archived)
    assert (first.event.key, second.event.key) == ("k-moved", "k-arch")
    await inbox.count_failure(first.id)
    await inbox.remove(second.id)
    [left] = await inbox.oldest(10)
    assert (left.event, left.attempts) == (moved, 1)
    await reopened.close()


async def test_an_unreadable_inbox_event_is_dropped_instead_of_blocking_the_rest(
    store_url: str,
) -> None:
    database = Database(store_url)
    await database.migrate(MIGRATIONS)
    try:
        # Written by a release with other kinds.
        unreadable = {
            "event": '{"kind": "renamed"}',
            "received_at": datetime.now(UTC),
            "attempts": 0,
        }
        await database.execute(insert(BOARD_INBOX), unreadable)
        inbox = BoardInbox(database)
        moved = BoardEvent(CardChange.MOVED, "B1", "C1", key="k-moved")
        await inbox.put(moved)
        [entry] = await inbox.oldest(10)
        assert entry.event == moved
        assert [e.event for e in await inbox.oldest(10)] == [moved]  # the bad one is gone
    finally:
        await database.close()
