"""Room↔board links, board snapshots for polling, webhook events already handled, and the
card assignments a digest saw."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, Text, and_, bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.ports.boards import BoardEvent, CardChange
from bot.store.database import Database, rows_changed
from bot.store.tables import Base, as_utc, utcnow

log = logging.getLogger(__name__)


class BoardLinkRow(Base):
    __tablename__ = "board_links"

    room_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    board_id: Mapped[str] = mapped_column(String(64), index=True)
    board_title: Mapped[str] = mapped_column(String(255))
    linked_by: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BoardSnapshotRow(Base):
    __tablename__ = "board_snapshots"

    board_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lists: Mapped[str] = mapped_column(Text)
    cards: Mapped[str] = mapped_column(Text)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BoardEventRow(Base):
    __tablename__ = "board_events_seen"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class BoardInboxRow(Base):
    __tablename__ = "board_inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class BoardToldRow(Base):
    __tablename__ = "board_events_told"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    board_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    told_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AssignmentBoardRow(Base):
    __tablename__ = "card_assignment_boards"

    board_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AssignmentSeenRow(Base):
    __tablename__ = "card_assignments_seen"

    board_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    card_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # None: the card already had this person the first time its board was read (not news).
    first_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)


@dataclass(frozen=True, slots=True)
class LinkedBoard:
    room_id: str
    board_id: str
    board_title: str


class BoardLinks:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def link(self, room_id: str, board_id: str, title: str, user_id: str) -> None:
        # One statement: two links of the same room at once (a crisis cell resumed while
        # its first opening is still linking) leave the last one, not a constraint error.
        fresh = self._db.insert(BoardLinkRow).values(
            room_id=room_id, board_id=board_id, board_title=title, linked_by=user_id,
            linked_at=utcnow())
        upsert = fresh.on_conflict_do_update(
            index_elements=[BoardLinkRow.room_id],
            set_={name: fresh.excluded[name]
                  for name in ("board_id", "board_title", "linked_by", "linked_at")})
        async with self._db.transaction() as connection:
            await connection.execute(upsert)

    async def board_for(self, room_id: str) -> LinkedBoard | None:
        async with self._db.session() as session:
            row = await session.get(BoardLinkRow, room_id)
        return LinkedBoard(row.room_id, row.board_id, row.board_title) if row else None

    async def rooms_for(self, board_id: str) -> list[str]:
        query = select(BoardLinkRow.room_id).where(BoardLinkRow.board_id == board_id)
        async with self._db.session() as session:
            return sorted((await session.scalars(query)).all())

    async def all(self) -> list[LinkedBoard]:
        async with self._db.session() as session:
            rows = (await session.scalars(select(BoardLinkRow))).all()
        return [LinkedBoard(r.room_id, r.board_id, r.board_title) for r in rows]

    async def unlink(self, room_id: str) -> bool:
        async with self._db.session() as session:
            result = await session.execute(
                delete(BoardLinkRow).where(BoardLinkRow.room_id == room_id)
            )
        return rows_changed(result) > 0


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
    return json.dumps({k: [v.list_id, v.title, v.due_at] for k, v in cards.items()},
                      ensure_ascii=False, separators=(",", ":"))


def _cards_from(text: str) -> dict[str, CardState]:
    return {k: CardState(v[0], v[1], v[2]) for k, v in json.loads(text).items()}


class BoardSnapshots:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def get(self, board_id: str) -> Snapshot | None:
        async with self._db.session() as session:
            row = await session.get(BoardSnapshotRow, board_id)
        if row is None:
            return None
        return Snapshot(board_id, json.loads(row.lists), _cards_from(row.cards))

    async def save(self, snapshot: Snapshot) -> None:
        lists = json.dumps(snapshot.lists, separators=(",", ":"))
        async with self._db.session() as session:
            row = await session.get(BoardSnapshotRow, snapshot.board_id)
            if row is None:
                session.add(BoardSnapshotRow(board_id=snapshot.board_id, lists=lists,
                                             cards=_cards_json(snapshot.cards),
                                             taken_at=utcnow()))
                return
            row.lists, row.cards, row.taken_at = lists, _cards_json(snapshot.cards), utcnow()

    async def record_card(self, board_id: str, card_id: str, state: CardState | None) -> None:
        """Something the bot did or already announced: the next poll must not report it.

        `None` forgets the card (archived). Without a snapshot there is nothing to update:
        the first poll takes the board as it is.
        """
        async with self._db.session() as session:
            row = await session.get(BoardSnapshotRow, board_id, with_for_update=True)
            if row is None:
                return
            cards = _cards_from(row.cards)
            if state is None:
                cards.pop(card_id, None)
            else:
                cards[card_id] = state
            row.cards = _cards_json(cards)


class BoardEventLog:
    """Webhook deliveries carry no id: the same activity sent by two hooks is told once."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim(self, key: str, now: datetime, window: timedelta) -> bool:
        try:
            async with self._db.session() as session:
                row = await session.get(BoardEventRow, key, with_for_update=True)
                if row is None:
                    session.add(BoardEventRow(key=key, seen_at=now))
                    return True
                if as_utc(row.seen_at) > now - window:
                    return False
                row.seen_at = now
                return True
        except IntegrityError:
            return False

    async def release(self, key: str) -> None:
        async with self._db.session() as session:
            await session.execute(delete(BoardEventRow).where(BoardEventRow.key == key))

    async def forget_older_than(self, age: timedelta) -> None:
        async with self._db.session() as session:
            await session.execute(delete(BoardEventRow).where(BoardEventRow.seen_at
                                                              < utcnow() - age))


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
        async with self._db.session() as session:
            session.add(BoardInboxRow(event=_event_json(event), received_at=utcnow(), attempts=0))

    async def oldest(self, limit: int) -> list[InboxEntry]:
        """The oldest events; one that no longer reads (an older release wrote it) is dropped
        rather than left to block every event behind it."""
        query = select(BoardInboxRow).order_by(BoardInboxRow.id).limit(limit)
        entries: list[InboxEntry] = []
        async with self._db.session() as session:
            for row in (await session.scalars(query)).all():
                try:
                    entries.append(InboxEntry(row.id, _event_from(row.event), row.attempts))
                except (ValueError, TypeError, KeyError):
                    log.exception("unreadable wekan event dropped", extra={"entry": row.id})
                    await session.delete(row)
        return entries

    async def remove(self, entry_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(delete(BoardInboxRow).where(BoardInboxRow.id == entry_id))

    async def pending(self) -> int:
        """How many events wait (every replica's, since they share the store)."""
        async with self._db.session() as session:
            count = await session.scalar(select(func.count()).select_from(BoardInboxRow))
            return int(count or 0)

    async def count_failure(self, entry_id: int) -> None:
        async with self._db.session() as session:
            row = await session.get(BoardInboxRow, entry_id)
            if row is not None:
                row.attempts += 1


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
        async with self._db.session() as session:
            session.add(BoardToldRow(board_id=board_id, kind=kind.value, told_at=at))

    async def between(self, since: datetime, until: datetime) -> list[ToldEvent]:
        query = (
            select(BoardToldRow.board_id, BoardToldRow.kind, BoardToldRow.told_at)
            .where(BoardToldRow.told_at >= since, BoardToldRow.told_at < until)
        )
        async with self._db.session() as session:
            rows = (await session.execute(query)).all()
        return [ToldEvent(board_id, CardChange(kind), as_utc(at)) for board_id, kind, at in rows]

    async def forget_older_than(self, moment: datetime) -> None:
        async with self._db.session() as session:
            await session.execute(delete(BoardToldRow).where(BoardToldRow.told_at < moment))


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

    async def observe(
        self, current: Mapping[str, set[Assignment]], at: datetime
    ) -> dict[str, dict[Assignment, datetime]]:
        """Records the boards' assignments as read now; per board, the current assignments
        first seen after that board's baseline, with when. Boards left out (unreadable this
        time) keep what was recorded."""
        boards = AssignmentBoardRow.__table__
        seen = AssignmentSeenRow.__table__
        async with self._db.transaction() as connection:
            known = set((await connection.execute(select(boards.c.board_id))).scalars())
            recorded: dict[str, dict[Assignment, datetime | None]] = {}
            for board_id, card_id, user_id, first in await connection.execute(select(
                    seen.c.board_id, seen.c.card_id, seen.c.user_id, seen.c.first_seen_at)):
                if board_id in current:
                    recorded.setdefault(board_id, {})[(card_id, user_id)] = (
                        as_utc(first) if first is not None else None)
            added, gone, new_boards = [], [], []
            for board_id, pairs in current.items():
                before = recorded.setdefault(board_id, {})
                stamp = at if board_id in known else None
                for card_id, user_id in pairs - before.keys():
                    added.append({"board_id": board_id, "card_id": card_id, "user_id": user_id,
                                  "first_seen_at": stamp})
                    before[(card_id, user_id)] = stamp
                for card_id, user_id in before.keys() - pairs:
                    gone.append({"b": board_id, "c": card_id, "u": user_id})
                if board_id not in known:
                    new_boards.append({"board_id": board_id, "first_read_at": at})
            if new_boards:
                await connection.execute(
                    self._db.insert(boards).on_conflict_do_nothing(), new_boards)
            if added:
                await connection.execute(self._db.insert(seen).on_conflict_do_nothing(), added)
            if gone:
                await connection.execute(delete(AssignmentSeenRow).where(and_(
                    AssignmentSeenRow.board_id == bindparam("b"),
                    AssignmentSeenRow.card_id == bindparam("c"),
                    AssignmentSeenRow.user_id == bindparam("u"))), gone)
        return {
            board_id: {pair: first for pair, first in recorded[board_id].items()
                       if first is not None and pair in pairs}
            for board_id, pairs in current.items()
        }
