"""Room↔board links, board snapshots for polling, webhook events already handled, and the
card assignments a digest saw."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from bot.ports.boards import BoardEvent, CardChange
from bot.store.database import Database
from bot.store.tables import as_utc, as_utc_or_none, metadata, utcnow

log = logging.getLogger(__name__)


BOARD_LINKS = Table(
    "board_links",
    metadata,
    Column("room_id", String(64), primary_key=True),
    Column("board_id", String(64), index=True, nullable=False),
    Column("board_title", String(255), nullable=False),
    Column("linked_by", String(64), nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
)

BOARD_SNAPSHOTS = Table(
    "board_snapshots",
    metadata,
    Column("board_id", String(64), primary_key=True),
    Column("lists", Text, nullable=False),
    Column("cards", Text, nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
)

BOARD_EVENTS_SEEN = Table(
    "board_events_seen",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("seen_at", DateTime(timezone=True), index=True, nullable=False),
)

BOARD_INBOX = Table(
    "board_inbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, default=0, nullable=False),
)

BOARD_EVENTS_TOLD = Table(
    "board_events_told",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("board_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("told_at", DateTime(timezone=True), index=True, nullable=False),
)

CARD_ASSIGNMENT_BOARDS = Table(
    "card_assignment_boards",
    metadata,
    Column("board_id", String(64), primary_key=True),
    Column("first_read_at", DateTime(timezone=True), nullable=False),
)

CARD_ASSIGNMENTS_SEEN = Table(
    "card_assignments_seen",
    metadata,
    Column("board_id", String(64), primary_key=True),
    Column("card_id", String(64), primary_key=True),
    Column("user_id", String(64), primary_key=True),
    # None: the card already had this person the first time its board was read (not news).
    Column("first_seen_at", DateTime(timezone=True), nullable=True),
)

_LINKS = select(BOARD_LINKS)
_LINK_OF_ROOM = select(BOARD_LINKS).where(BOARD_LINKS.c.room_id == bindparam("room_id"))
_ROOMS_OF_BOARD = select(BOARD_LINKS.c.room_id).where(
    BOARD_LINKS.c.board_id == bindparam("board_id")
)
_UNLINK = delete(BOARD_LINKS).where(BOARD_LINKS.c.room_id == bindparam("room_id"))

_SNAPSHOT = select(BOARD_SNAPSHOTS).where(BOARD_SNAPSHOTS.c.board_id == bindparam("board_id"))
_SNAPSHOT_CARDS_LOCKED = (
    select(BOARD_SNAPSHOTS.c.cards)
    .where(BOARD_SNAPSHOTS.c.board_id == bindparam("board_id"))
    .with_for_update()
)
_SET_SNAPSHOT_CARDS = (
    update(BOARD_SNAPSHOTS)
    .where(BOARD_SNAPSHOTS.c.board_id == bindparam("board"))
    .values(cards=bindparam("new_cards"))
)

_SEEN_AT_LOCKED = (
    select(BOARD_EVENTS_SEEN.c.seen_at)
    .where(BOARD_EVENTS_SEEN.c.key == bindparam("key"))
    .with_for_update()
)
_SEE = insert(BOARD_EVENTS_SEEN)
_SEE_AGAIN = (
    update(BOARD_EVENTS_SEEN)
    .where(BOARD_EVENTS_SEEN.c.key == bindparam("seen_key"))
    .values(seen_at=bindparam("now"))
)
_UNSEE = delete(BOARD_EVENTS_SEEN).where(BOARD_EVENTS_SEEN.c.key == bindparam("key"))
_UNSEE_BEFORE = delete(BOARD_EVENTS_SEEN).where(BOARD_EVENTS_SEEN.c.seen_at < bindparam("before"))

_PUT = insert(BOARD_INBOX)
_OLDEST = select(BOARD_INBOX).order_by(BOARD_INBOX.c.id).limit(bindparam("limit"))
_TAKE_OUT = delete(BOARD_INBOX).where(BOARD_INBOX.c.id == bindparam("entry_id"))
_PENDING = select(func.count()).select_from(BOARD_INBOX)
# One statement: two replicas failing the same entry at once both count.
_FAILED_ONCE_MORE = (
    update(BOARD_INBOX)
    .where(BOARD_INBOX.c.id == bindparam("entry_id"))
    .values(attempts=BOARD_INBOX.c.attempts + 1)
)

_TELL = insert(BOARD_EVENTS_TOLD)
_TOLD_BETWEEN = select(
    BOARD_EVENTS_TOLD.c.board_id, BOARD_EVENTS_TOLD.c.kind, BOARD_EVENTS_TOLD.c.told_at
).where(
    BOARD_EVENTS_TOLD.c.told_at >= bindparam("since"),
    BOARD_EVENTS_TOLD.c.told_at < bindparam("until"),
)
_UNTELL_BEFORE = delete(BOARD_EVENTS_TOLD).where(BOARD_EVENTS_TOLD.c.told_at < bindparam("before"))

_KNOWN_BOARDS = select(CARD_ASSIGNMENT_BOARDS.c.board_id)
_ASSIGNMENTS_SEEN = select(
    CARD_ASSIGNMENTS_SEEN.c.board_id,
    CARD_ASSIGNMENTS_SEEN.c.card_id,
    CARD_ASSIGNMENTS_SEEN.c.user_id,
    CARD_ASSIGNMENTS_SEEN.c.first_seen_at,
)
_ASSIGNMENT_GONE = delete(CARD_ASSIGNMENTS_SEEN).where(
    and_(
        CARD_ASSIGNMENTS_SEEN.c.board_id == bindparam("b"),
        CARD_ASSIGNMENTS_SEEN.c.card_id == bindparam("c"),
        CARD_ASSIGNMENTS_SEEN.c.user_id == bindparam("u"),
    )
)


@dataclass(frozen=True, slots=True)
class LinkedBoard:
    room_id: str
    board_id: str
    board_title: str


class BoardLinks:
    def __init__(self, database: Database) -> None:
        self._db = database
        # One statement: two links of the same room at once (a crisis cell resumed while
        # its first opening is still linking) leave the last one, not a constraint error.
        fresh = database.insert(BOARD_LINKS)
        self._link = fresh.on_conflict_do_update(
            index_elements=[BOARD_LINKS.c.room_id],
            set_={
                name: fresh.excluded[name]
                for name in ("board_id", "board_title", "linked_by", "linked_at")
            },
        )

    async def link(self, room_id: str, board_id: str, title: str, user_id: str) -> None:
        values = {
            "room_id": room_id,
            "board_id": board_id,
            "board_title": title,
            "linked_by": user_id,
            "linked_at": utcnow(),
        }
        await self._db.execute(self._link, values)

    async def board_for(self, room_id: str) -> LinkedBoard | None:
        row = await self._db.first(_LINK_OF_ROOM, {"room_id": room_id})
        return _linked(row) if row else None

    async def rooms_for(self, board_id: str) -> list[str]:
        rows = await self._db.rows(_ROOMS_OF_BOARD, {"board_id": board_id})
        return sorted(row.room_id for row in rows)

    async def all(self) -> list[LinkedBoard]:
        return [_linked(row) for row in await self._db.rows(_LINKS)]

    async def unlink(self, room_id: str) -> bool:
        return await self._db.execute(_UNLINK, {"room_id": room_id}) > 0


def _linked(row: Row[Any]) -> LinkedBoard:
    return LinkedBoard(row.room_id, row.board_id, row.board_title)


@dataclass(frozen=True, slots=True)
class CardState:
    list_id: str
    title: str
    due_at: str | None = None


@dataclass
class Snapshot:
    """What the bot last knew of a board: per-list change markers and each open card."""

    board_id: str
    lists: dict[str, str] = field(default_factory=dict)
    cards: dict[str, CardState] = field(default_factory=dict)


def _cards_json(cards: dict[str, CardState]) -> str:
    return json.dumps(
        {k: [v.list_id, v.title, v.due_at] for k, v in cards.items()},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _cards_from(text: str) -> dict[str, CardState]:
    return {k: CardState(v[0], v[1], v[2]) for k, v in json.loads(text).items()}


class BoardSnapshots:
    def __init__(self, database: Database) -> None:
        self._db = database
        fresh = database.insert(BOARD_SNAPSHOTS)
        self._save = fresh.on_conflict_do_update(
            index_elements=[BOARD_SNAPSHOTS.c.board_id],
            set_={name: fresh.excluded[name] for name in ("lists", "cards", "taken_at")},
        )

    async def get(self, board_id: str) -> Snapshot | None:
        row = await self._db.first(_SNAPSHOT, {"board_id": board_id})
        if row is None:
            return None
        return Snapshot(board_id, json.loads(row.lists), _cards_from(row.cards))

    async def save(self, snapshot: Snapshot) -> None:
        values = {
            "board_id": snapshot.board_id,
            "lists": json.dumps(snapshot.lists, separators=(",", ":")),
            "cards": _cards_json(snapshot.cards),
            "taken_at": utcnow(),
        }
        await self._db.execute(self._save, values)

    async def record_card(self, board_id: str, card_id: str, state: CardState | None) -> None:
        """Something the bot did or already announced: the next poll must not report it.

        `None` forgets the card (archived). Without a snapshot there is nothing to update:
        the first poll takes the board as it is.
        """

        def record(connection: Connection) -> None:
            # Read and written in one transaction, the row locked: two cards recorded at
            # once on the same board both stay.
            text = connection.execute(_SNAPSHOT_CARDS_LOCKED, {"board_id": board_id}).scalar()
            if text is None:
                return
            cards = _cards_from(text)
            if state is None:
                cards.pop(card_id, None)
            else:
                cards[card_id] = state
            connection.execute(
                _SET_SNAPSHOT_CARDS, {"board": board_id, "new_cards": _cards_json(cards)}
            )

        await self._db.transact(record)


class BoardEventLog:
    """Webhook deliveries carry no id: the same activity sent by two hooks is told once."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim(self, key: str, now: datetime, window: timedelta) -> bool:
        def claim(connection: Connection) -> bool:
            seen_at = connection.execute(_SEEN_AT_LOCKED, {"key": key}).scalar()
            if seen_at is None:
                connection.execute(_SEE, {"key": key, "seen_at": now})
                return True
            if as_utc(seen_at) > now - window:
                return False
            connection.execute(_SEE_AGAIN, {"seen_key": key, "now": now})
            return True

        try:
            return await self._db.transact(claim)
        except IntegrityError:  # another replica inserted the same key meanwhile
            return False

    async def release(self, key: str) -> None:
        await self._db.execute(_UNSEE, {"key": key})

    async def forget_older_than(self, age: timedelta) -> None:
        await self._db.execute(_UNSEE_BEFORE, {"before": utcnow() - age})


@dataclass(frozen=True, slots=True)
class InboxEntry:
    id: int
    event: BoardEvent
    attempts: int


class BoardInbox:
    """Webhook events accepted by any replica, kept until the leader has told the rooms."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def put(self, event: BoardEvent) -> None:
        values = {"event": _event_json(event), "received_at": utcnow(), "attempts": 0}
        await self._db.execute(_PUT, values)

    async def oldest(self, limit: int) -> list[InboxEntry]:
        """The oldest events; one that no longer reads (an older release wrote it) is dropped
        rather than left to block every event behind it."""

        def oldest(connection: Connection) -> tuple[list[InboxEntry], list[tuple[int, Exception]]]:
            entries: list[InboxEntry] = []
            dropped: list[tuple[int, Exception]] = []
            for row in connection.execute(_OLDEST, {"limit": limit}).all():
                try:
                    entries.append(InboxEntry(row.id, _event_from(row.event), row.attempts))
                except (ValueError, TypeError, KeyError) as error:
                    dropped.append((row.id, error))
                    connection.execute(_TAKE_OUT, {"entry_id": row.id})
            return entries, dropped

        entries, dropped = await self._db.transact(oldest)
        # Logged here rather than in the transaction: on the store's thread a record would
        # lack the context the loop's log records carry.
        for entry_id, error in dropped:
            log.error("unreadable wekan event dropped", extra={"entry": entry_id}, exc_info=error)
        return entries

    async def remove(self, entry_id: int) -> None:
        await self._db.execute(_TAKE_OUT, {"entry_id": entry_id})

    async def pending(self) -> int:
        """How many events wait (every replica's, since they share the store)."""
        return int(await self._db.scalar(_PENDING) or 0)

    async def count_failure(self, entry_id: int) -> None:
        await self._db.execute(_FAILED_ONCE_MORE, {"entry_id": entry_id})


def _event_json(event: BoardEvent) -> str:
    fields = asdict(event) | {"kind": event.kind.value}
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def _event_from(text: str) -> BoardEvent:
    fields = json.loads(text)
    return BoardEvent(**{**fields, "kind": CardChange(fields["kind"])})


@dataclass(frozen=True, slots=True)
class ToldEvent:
    board_id: str
    kind: CardChange
    told_at: datetime


class ToldEvents:
    """The card events told to the linked rooms (one row per event, whatever the rooms), so
    that a digest can count them per board for people who mute those rooms."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def record(self, board_id: str, kind: CardChange, at: datetime) -> None:
        await self._db.execute(_TELL, {"board_id": board_id, "kind": kind.value, "told_at": at})

    async def between(self, since: datetime, until: datetime) -> list[ToldEvent]:
        rows = await self._db.rows(_TOLD_BETWEEN, {"since": since, "until": until})
        return [ToldEvent(row.board_id, CardChange(row.kind), as_utc(row.told_at)) for row in rows]

    async def forget_older_than(self, moment: datetime) -> None:
        await self._db.execute(_UNTELL_BEFORE, {"before": moment})


Assignment = tuple[str, str]  # (card id, person id on the board server)


class Assignments:
    """Who each card was assigned to when a digest last read its board.

    Wekan keeps no assignment date, so "newly assigned since the last digest" is what a read
    finds that the previous reads did not. The first read of a board is the baseline: what it
    finds is not news. An assignment that disappears is forgotten, so a person assigned again
    later hears of it again.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._new_boards = database.insert(CARD_ASSIGNMENT_BOARDS).on_conflict_do_nothing()
        self._added = database.insert(CARD_ASSIGNMENTS_SEEN).on_conflict_do_nothing()

    async def observe(
        self, current: Mapping[str, set[Assignment]], at: datetime
    ) -> dict[str, dict[Assignment, datetime]]:
        """Records the boards' assignments as read now; per board, the current assignments
        first seen after that board's baseline, with when. Boards left out (unreadable this
        time) keep what was recorded."""
        recorded = await self._db.transact(
            lambda connection: self._observe(connection, current, at)
        )
        return {
            board_id: {
                pair: first
                for pair, first in recorded[board_id].items()
                if first is not None and pair in pairs
            }
            for board_id, pairs in current.items()
        }

    def _observe(
        self, connection: Connection, current: Mapping[str, set[Assignment]], at: datetime
    ) -> dict[str, dict[Assignment, datetime | None]]:
        """What was recorded of the boards read, with this read's news added (one transaction)."""
        known = set(connection.execute(_KNOWN_BOARDS).scalars())
        recorded: dict[str, dict[Assignment, datetime | None]] = {}
        for board_id, card_id, user_id, first in connection.execute(_ASSIGNMENTS_SEEN):
            if board_id in current:
                recorded.setdefault(board_id, {})[(card_id, user_id)] = as_utc_or_none(first)
        added: list[dict[str, Any]] = []
        gone: list[dict[str, Any]] = []
        new_boards: list[dict[str, Any]] = []
        for board_id, pairs in current.items():
            before = recorded.setdefault(board_id, {})
            stamp = at if board_id in known else None
            for card_id, user_id in pairs - before.keys():
                added.append(
                    {
                        "board_id": board_id,
                        "card_id": card_id,
                        "user_id": user_id,
                        "first_seen_at": stamp,
                    }
                )
                before[(card_id, user_id)] = stamp
            for card_id, user_id in before.keys() - pairs:
                gone.append({"b": board_id, "c": card_id, "u": user_id})
            if board_id not in known:
                new_boards.append({"board_id": board_id, "first_read_at": at})
        if new_boards:
            connection.execute(self._new_boards, new_boards)
        if added:
            connection.execute(self._added, added)
        if gone:
            connection.execute(_ASSIGNMENT_GONE, gone)
        return recorded
