"""Crisis cells, their members and their main courante (the timestamped log), in the store.

The store is the source of truth of a cell: every resource it created elsewhere (room, fiche,
meeting, folder, board) is written here before the next step, which is how a retry resumes.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.database import Database
from bot.store.tables import Base, as_utc


class Status(StrEnum):
    OPENING = "opening"
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"


class Role(StrEnum):
    PILOTE = "pilote"
    SECRETAIRE = "secretaire"
    COMMUNICATION = "communication"


class EntryKind(StrEnum):
    OPENED = "opened"
    MEMBER_ADDED = "member_added"
    MEMBER_REMOVED = "member_removed"
    ROLE_GIVEN = "role_given"
    STATUS_UPDATE = "status_update"
    ACTION_CREATED = "action_created"
    ACTION_MOVED = "action_moved"
    ACTION_DONE = "action_done"
    LOG = "log"
    PINNED = "pinned"
    REMINDER = "reminder"
    CLOSED = "closed"


class CellRow(Base):
    __tablename__ = "crisis_cells"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    severity: Mapped[int] = mapped_column(Integer)
    room_name: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    opened_by: Mapped[str] = mapped_column(String(120))
    origin_room_id: Mapped[str] = mapped_column(String(64))
    # The `/crise ouvrir` message: replayed after a crash, it resumes this cell.
    origin_message_id: Mapped[str | None] = mapped_column(String(64), nullable=True,
                                                          unique=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_status_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                            nullable=True)
    last_reminder_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                              nullable=True)
    reminder_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    room_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    board_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # Everything else the steps made or decided (ids, links, steps done, what is missing),
    # as JSON: it grows with the steps, never queried by its content.
    resources: Mapped[str] = mapped_column(Text, default="{}")
    bilan: Mapped[str] = mapped_column(Text, default="")


class MemberRow(Base):
    __tablename__ = "crisis_members"
    __table_args__ = (UniqueConstraint("cell_id", "username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("crisis_cells.id", ondelete="CASCADE"),
                                         index=True)
    username: Mapped[str] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    share_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EntryRow(Base):
    __tablename__ = "crisis_entries"
    __table_args__ = (UniqueConstraint("cell_id", "ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("crisis_cells.id", ondelete="CASCADE"),
                                         index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    # What the entry is about (a message id, a card event): the same thing is logged once.
    ref: Mapped[str] = mapped_column(String(200))


@dataclass
class Cell:
    id: int
    title: str
    severity: int
    room_name: str
    status: Status
    opened_by: str
    origin_room_id: str
    opened_at: datetime
    closed_at: datetime | None
    last_status_at: datetime | None
    last_reminder_at: datetime | None
    reminder_minutes: int | None
    room_id: str | None
    board_id: str | None
    resources: dict[str, Any] = field(default_factory=dict)
    bilan: str = ""

    def done(self, step: str) -> bool:
        return step in self.resources.get("steps", [])

    def get(self, name: str, default: Any = None) -> Any:
        return self.resources.get(name, default)

    @property
    def missing(self) -> list[str]:
        return list(self.resources.get("missing", []))

    @property
    def is_open(self) -> bool:
        return self.status in (Status.OPENING, Status.OPEN)


@dataclass(frozen=True, slots=True)
class Member:
    username: str
    role: Role | None
    active: bool
    share_id: str | None


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: datetime
    kind: EntryKind
    author: str
    text: str


def _cell(row: CellRow) -> Cell:
    def utc(moment: datetime | None) -> datetime | None:
        return as_utc(moment) if moment else None

    return Cell(
        id=row.id, title=row.title, severity=row.severity, room_name=row.room_name,
        status=Status(row.status), opened_by=row.opened_by, origin_room_id=row.origin_room_id,
        opened_at=as_utc(row.opened_at), closed_at=utc(row.closed_at),
        last_status_at=utc(row.last_status_at), last_reminder_at=utc(row.last_reminder_at),
        reminder_minutes=row.reminder_minutes, room_id=row.room_id, board_id=row.board_id,
        resources=json.loads(row.resources or "{}"), bilan=row.bilan or "",
    )


class Cells:
    def __init__(self, database: Database) -> None:
        self._db = database
        # The steps of one cell run side by side (one per outside service) and each merges
        # into the same JSON: one read-modify-write at a time (SQLite would deadlock two).
        self._writing = asyncio.Lock()

    async def create(self, *, title: str, severity: int, room_name: str, opened_by: str,
                     origin_room_id: str, origin_message_id: str, now: datetime,
                     members: list[str]) -> Cell | None:
        """The new cell with its roster; None when that room name is taken already."""
        try:
            async with self._db.session() as session:
                row = CellRow(title=title, severity=severity, room_name=room_name,
                              status=Status.OPENING, opened_by=opened_by,
                              origin_room_id=origin_room_id,
                              origin_message_id=origin_message_id, opened_at=now, resources="{}",
                              bilan="")
                session.add(row)
                await session.flush()
                for username in dict.fromkeys(members):
                    role = Role.PILOTE if username == opened_by else None
                    session.add(MemberRow(cell_id=row.id, username=username, role=role,
                                          active=True, added_at=now))
                await session.flush()
                return _cell(row)
        except IntegrityError:
            return None

    async def get(self, cell_id: int) -> Cell | None:
        async with self._db.session() as session:
            row = await session.get(CellRow, cell_id)
        return _cell(row) if row else None

    async def by_room(self, room_id: str) -> Cell | None:
        query = select(CellRow).where(CellRow.room_id == room_id)
        async with self._db.session() as session:
            row = (await session.scalars(query)).first()
        return _cell(row) if row else None

    async def by_origin(self, message_id: str) -> Cell | None:
        query = select(CellRow).where(CellRow.origin_message_id == message_id)
        async with self._db.session() as session:
            row = (await session.scalars(query)).first()
        return _cell(row) if row else None

    async def by_board(self, board_id: str) -> Cell | None:
        query = select(CellRow).where(CellRow.board_id == board_id)
        async with self._db.session() as session:
            row = (await session.scalars(query)).first()
        return _cell(row) if row else None

    async def unfinished(self) -> list[Cell]:
        """Cells whose opening or closing stopped half-way, oldest first."""
        query = (select(CellRow)
                 .where(CellRow.status.in_([Status.OPENING, Status.CLOSING]))
                 .order_by(CellRow.id))
        async with self._db.session() as session:
            return [_cell(row) for row in (await session.scalars(query)).all()]

    async def open_cells(self) -> list[Cell]:
        query = (select(CellRow).where(CellRow.status.in_([Status.OPENING, Status.OPEN]))
                 .order_by(CellRow.opened_at))
        async with self._db.session() as session:
            return [_cell(row) for row in (await session.scalars(query)).all()]

    async def open_cells_for(self, username: str) -> list[Cell]:
        """The open cells `username` is an active member of, oldest first; each carries
        `last_status_at` (None: no status update yet) for whoever reports their age."""
        query = (select(CellRow)
                 .join(MemberRow, MemberRow.cell_id == CellRow.id)
                 .where(CellRow.status.in_([Status.OPENING, Status.OPEN]),
                        MemberRow.username == username, MemberRow.active.is_(True))
                 .order_by(CellRow.opened_at))
        async with self._db.session() as session:
            return [_cell(row) for row in (await session.scalars(query)).all()]

    async def update(self, cell_id: int, **changes: Any) -> Cell:
        """Sets columns, and merges `resources=` into the JSON (steps listed in `steps`)."""
        async with self._writing, self._db.session() as session:
            row = await session.get(CellRow, cell_id, with_for_update=True)
            assert row is not None, f"crisis cell {cell_id} vanished"
            extra = changes.pop("resources", None)
            step = changes.pop("step", None)
            for name, value in changes.items():
                setattr(row, name, value)
            if extra or step:
                current = json.loads(row.resources or "{}")
                current.update(extra or {})
                if step and step not in current.setdefault("steps", []):
                    current["steps"].append(step)
                row.resources = json.dumps(current, ensure_ascii=False)
            await session.flush()
            return _cell(row)

    async def note_missing(self, cell_id: int, service: str, *, present: bool) -> Cell:
        """Adds or clears a service the cell could not use, from the stored list."""
        async with self._writing, self._db.session() as session:
            row = await session.get(CellRow, cell_id, with_for_update=True)
            assert row is not None, f"crisis cell {cell_id} vanished"
            current = json.loads(row.resources or "{}")
            missing = [s for s in current.get("missing", []) if s != service]
            current["missing"] = missing + ([] if present else [service])
            row.resources = json.dumps(current, ensure_ascii=False)
            await session.flush()
            return _cell(row)

    async def members(self, cell_id: int, *, active_only: bool = True) -> list[Member]:
        query = select(MemberRow).where(MemberRow.cell_id == cell_id).order_by(MemberRow.id)
        if active_only:
            query = query.where(MemberRow.active.is_(True))
        async with self._db.session() as session:
            rows = (await session.scalars(query)).all()
        return [Member(r.username, Role(r.role) if r.role else None, r.active, r.share_id)
                for r in rows]

    async def add_member(self, cell_id: int, username: str, now: datetime) -> bool:
        """True when the person was not an active member before."""
        async with self._db.session() as session:
            row = await self._member_row(session, cell_id, username)
            if row is None:
                session.add(MemberRow(cell_id=cell_id, username=username, active=True,
                                      added_at=now))
                return True
            if row.active:
                return False
            row.active = True
            return True

    async def remove_member(self, cell_id: int, username: str) -> Member | None:
        """The member as they were, or None when they were not an active member."""
        async with self._db.session() as session:
            row = await self._member_row(session, cell_id, username)
            if row is None or not row.active:
                return None
            row.active, row.role = False, None
            return Member(row.username, None, True, row.share_id)

    async def set_share(self, cell_id: int, username: str, share_id: str | None) -> None:
        async with self._db.session() as session:
            row = await self._member_row(session, cell_id, username)
            if row is not None:
                row.share_id = share_id

    async def give_role(self, cell_id: int, username: str, role: Role) -> None:
        """One holder per role: whoever held it before keeps only their membership."""
        async with self._db.session() as session:
            query = select(MemberRow).where(MemberRow.cell_id == cell_id,
                                            MemberRow.role == role.value)
            for holder in (await session.scalars(query)).all():
                holder.role = None
            row = await self._member_row(session, cell_id, username)
            if row is not None:
                row.role = role.value

    @staticmethod
    async def _member_row(session: Any, cell_id: int, username: str) -> MemberRow | None:
        query = select(MemberRow).where(MemberRow.cell_id == cell_id,
                                        MemberRow.username == username)
        found: MemberRow | None = (await session.scalars(query)).first()
        return found


class Journal:
    """The main courante: entries in the order they happened, each thing logged once."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, cell_id: int, *, kind: EntryKind, author: str, text: str,
                  at: datetime, ref: str) -> bool:
        """False when an entry about `ref` is there already."""
        try:
            async with self._db.session() as session:
                session.add(EntryRow(cell_id=cell_id, at=at, kind=kind.value, author=author,
                                     text=text, ref=ref))
        except IntegrityError:
            return False
        return True

    async def entries(self, cell_id: int, last: int | None = None) -> list[Entry]:
        query = select(EntryRow).where(EntryRow.cell_id == cell_id)
        if last is not None:
            query = query.order_by(EntryRow.at.desc(), EntryRow.id.desc()).limit(last)
        async with self._db.session() as session:
            rows = (await session.scalars(query)).all()
        found = [Entry(r.id, as_utc(r.at), EntryKind(r.kind), r.author, r.text) for r in rows]
        return sorted(found, key=lambda e: (e.at, e.id))
