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
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from bot.store.database import Database
from bot.store.tables import as_utc, as_utc_or_none, metadata


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


CRISIS_CELLS = Table(
    "crisis_cells",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(200), nullable=False),
    Column("severity", Integer, nullable=False),
    Column("room_name", String(100), unique=True, nullable=False),
    Column("status", String(16), index=True, nullable=False),
    Column("opened_by", String(120), nullable=False),
    Column("origin_room_id", String(64), nullable=False),
    # The `/crise ouvrir` message: replayed after a crash, it resumes this cell.
    Column("origin_message_id", String(64), nullable=True, unique=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("last_status_at", DateTime(timezone=True), nullable=True),
    Column("last_reminder_at", DateTime(timezone=True), nullable=True),
    Column("reminder_minutes", Integer, nullable=True),
    Column("room_id", String(64), nullable=True, index=True),
    Column("board_id", String(64), nullable=True, index=True),
    # Everything else the steps made or decided (ids, links, steps done, what is missing),
    # as JSON: it grows with the steps, never queried by its content.
    Column("resources", Text, default="{}", nullable=False),
    Column("bilan", Text, default="", nullable=False),
)


def _cell_reference() -> Column[int]:
    """The cell a member or a journal entry belongs to (gone with it)."""
    return Column(
        "cell_id",
        Integer,
        ForeignKey("crisis_cells.id", ondelete="CASCADE"),
        index=True,
        nullable=False,
    )


CRISIS_MEMBERS = Table(
    "crisis_members",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _cell_reference(),
    Column("username", String(120), nullable=False),
    Column("role", String(32), nullable=True),
    Column("active", Boolean, default=True, nullable=False),
    Column("share_id", String(64), nullable=True),
    Column("added_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("cell_id", "username"),
)

CRISIS_ENTRIES = Table(
    "crisis_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _cell_reference(),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("author", String(120), nullable=False),
    Column("text", Text, nullable=False),
    # What the entry is about (a message id, a card event): the same thing is logged once.
    Column("ref", String(200), nullable=False),
    UniqueConstraint("cell_id", "ref"),
)

_CELLS, _MEMBERS, _ENTRIES = CRISIS_CELLS, CRISIS_MEMBERS, CRISIS_ENTRIES
_OPENING_OR_OPEN = _CELLS.c.status.in_([Status.OPENING, Status.OPEN])
_CELL = select(_CELLS).where(_CELLS.c.id == bindparam("cell_id"))
_CELL_TO_WRITE = _CELL.with_for_update()
# A member by cell and name (bound names other than the columns': UPDATE reserves those).
_THE_MEMBER = (
    _MEMBERS.c.cell_id == bindparam("cell"),
    _MEMBERS.c.username == bindparam("member"),
)
_MEMBER = select(_MEMBERS).where(*_THE_MEMBER)
_SET_MEMBER = update(_MEMBERS).where(*_THE_MEMBER)
# Only an active member: of two removals racing, one alone reports the member removed.
_REMOVE_MEMBER = (
    _SET_MEMBER.where(_MEMBERS.c.active.is_(True))
    .values(active=False, role=None)
    .returning(_MEMBERS.c.username, _MEMBERS.c.share_id)
)


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


def _cell(row: Row[Any]) -> Cell:
    return Cell(
        id=row.id,
        title=row.title,
        severity=row.severity,
        room_name=row.room_name,
        status=Status(row.status),
        opened_by=row.opened_by,
        origin_room_id=row.origin_room_id,
        opened_at=as_utc(row.opened_at),
        closed_at=as_utc_or_none(row.closed_at),
        last_status_at=as_utc_or_none(row.last_status_at),
        last_reminder_at=as_utc_or_none(row.last_reminder_at),
        reminder_minutes=row.reminder_minutes,
        room_id=row.room_id,
        board_id=row.board_id,
        resources=json.loads(row.resources or "{}"),
        bilan=row.bilan or "",
    )


class Cells:
    def __init__(self, database: Database) -> None:
        self._db = database
        # The steps of one cell run side by side (one per outside service) and each merges
        # into the same JSON: one read-modify-write at a time (SQLite would deadlock two).
        self._writing = asyncio.Lock()

    async def create(
        self,
        *,
        title: str,
        severity: int,
        room_name: str,
        opened_by: str,
        origin_room_id: str,
        origin_message_id: str,
        now: datetime,
        members: list[str],
    ) -> Cell | None:
        """The new cell with its roster; None when that room name is taken already."""
        cell = (
            insert(_CELLS)
            .values(
                title=title,
                severity=severity,
                room_name=room_name,
                status=Status.OPENING,
                opened_by=opened_by,
                origin_room_id=origin_room_id,
                origin_message_id=origin_message_id,
                opened_at=now,
                resources="{}",
                bilan="",
            )
            .returning(_CELLS)
        )

        def write(connection: Connection) -> Row[Any]:
            row = connection.execute(cell).one()
            roster = [
                {
                    "cell_id": row.id,
                    "username": username,
                    "role": Role.PILOTE if username == opened_by else None,
                    "active": True,
                    "added_at": now,
                }
                for username in dict.fromkeys(members)
            ]
            if roster:
                connection.execute(insert(_MEMBERS), roster)
            return row

        try:
            return _cell(await self._db.transact(write))
        except IntegrityError:
            return None

    async def get(self, cell_id: int) -> Cell | None:
        row = await self._db.first(_CELL, {"cell_id": cell_id})
        return _cell(row) if row else None

    async def by_room(self, room_id: str) -> Cell | None:
        return await self._one(select(_CELLS).where(_CELLS.c.room_id == room_id))

    async def by_origin(self, message_id: str) -> Cell | None:
        return await self._one(select(_CELLS).where(_CELLS.c.origin_message_id == message_id))

    async def by_board(self, board_id: str) -> Cell | None:
        return await self._one(select(_CELLS).where(_CELLS.c.board_id == board_id))

    async def unfinished(self) -> list[Cell]:
        """Cells whose opening or closing stopped half-way, oldest first."""
        query = (
            select(_CELLS)
            .where(_CELLS.c.status.in_([Status.OPENING, Status.CLOSING]))
            .order_by(_CELLS.c.id)
        )
        return [_cell(row) for row in await self._db.rows(query)]

    async def open_cells(self) -> list[Cell]:
        query = select(_CELLS).where(_OPENING_OR_OPEN).order_by(_CELLS.c.opened_at)
        return [_cell(row) for row in await self._db.rows(query)]

    async def open_cells_for(self, username: str) -> list[Cell]:
        """The open cells `username` is an active member of, oldest first; each carries
        `last_status_at` (None: no status update yet) for whoever reports their age."""
        query = (
            select(_CELLS)
            .join(_MEMBERS, _MEMBERS.c.cell_id == _CELLS.c.id)
            .where(
                _OPENING_OR_OPEN,
                _MEMBERS.c.username == username,
                _MEMBERS.c.active.is_(True),
            )
            .order_by(_CELLS.c.opened_at)
        )
        return [_cell(row) for row in await self._db.rows(query)]

    async def update(self, cell_id: int, **changes: Any) -> Cell:
        """Sets columns, and merges `resources=` into the JSON (steps listed in `steps`)."""
        extra = changes.pop("resources", None)
        step = changes.pop("step", None)

        def write(connection: Connection) -> Row[Any]:
            row = connection.execute(_CELL_TO_WRITE, {"cell_id": cell_id}).first()
            assert row is not None, f"crisis cell {cell_id} vanished"
            values = dict(changes)
            if extra or step:
                current = json.loads(row.resources or "{}")
                current.update(extra or {})
                if step and step not in current.setdefault("steps", []):
                    current["steps"].append(step)
                values["resources"] = json.dumps(current, ensure_ascii=False)
            if not values:  # nothing to write: an UPDATE without values would set every column
                return row
            return _write_cell(connection, cell_id, values)

        async with self._writing:
            return _cell(await self._db.transact(write))

    async def note_missing(self, cell_id: int, service: str, *, present: bool) -> Cell:
        """Adds or clears a service the cell could not use, from the stored list."""

        def write(connection: Connection) -> Row[Any]:
            row = connection.execute(_CELL_TO_WRITE, {"cell_id": cell_id}).first()
            assert row is not None, f"crisis cell {cell_id} vanished"
            current = json.loads(row.resources or "{}")
            missing = [s for s in current.get("missing", []) if s != service]
            current["missing"] = missing + ([] if present else [service])
            resources = json.dumps(current, ensure_ascii=False)
            return _write_cell(connection, cell_id, {"resources": resources})

        async with self._writing:
            return _cell(await self._db.transact(write))

    async def members(self, cell_id: int, *, active_only: bool = True) -> list[Member]:
        query = select(_MEMBERS).where(_MEMBERS.c.cell_id == cell_id).order_by(_MEMBERS.c.id)
        if active_only:
            query = query.where(_MEMBERS.c.active.is_(True))
        return [
            Member(r.username, Role(r.role) if r.role else None, r.active, r.share_id)
            for r in await self._db.rows(query)
        ]

    async def add_member(self, cell_id: int, username: str, now: datetime) -> bool:
        """True when the person was not an active member before."""
        who = {"cell": cell_id, "member": username}

        def write(connection: Connection) -> bool:
            row = connection.execute(_MEMBER, who).first()
            if row is None:
                new = {"cell_id": cell_id, "username": username, "active": True, "added_at": now}
                connection.execute(insert(_MEMBERS), new)
                return True
            if row.active:
                return False
            connection.execute(_SET_MEMBER.values(active=True), who)
            return True

        return await self._db.transact(write)

    async def remove_member(self, cell_id: int, username: str) -> Member | None:
        """The member as they were, or None when they were not an active member."""
        row = await self._db.first(_REMOVE_MEMBER, {"cell": cell_id, "member": username})
        return Member(row.username, None, True, row.share_id) if row else None

    async def set_share(self, cell_id: int, username: str, share_id: str | None) -> None:
        who = {"cell": cell_id, "member": username}
        await self._db.execute(_SET_MEMBER.values(share_id=share_id), who)

    async def give_role(self, cell_id: int, username: str, role: Role) -> None:
        """One holder per role: whoever held it before keeps only their membership."""
        holders = (
            update(_MEMBERS)
            .where(_MEMBERS.c.cell_id == cell_id, _MEMBERS.c.role == role.value)
            .values(role=None)
        )
        who = {"cell": cell_id, "member": username}

        def write(connection: Connection) -> None:
            connection.execute(holders)
            connection.execute(_SET_MEMBER.values(role=role.value), who)

        await self._db.transact(write)

    async def _one(self, query: Select[Any]) -> Cell | None:
        row = await self._db.first(query)
        return _cell(row) if row else None


def _write_cell(connection: Connection, cell_id: int, values: dict[str, Any]) -> Row[Any]:
    """Writes the cell's columns and reads it back, in the caller's transaction."""
    statement = update(_CELLS).where(_CELLS.c.id == cell_id).values(values).returning(_CELLS)
    return connection.execute(statement).one()


class Journal:
    """The main courante: entries in the order they happened, each thing logged once."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self, cell_id: int, *, kind: EntryKind, author: str, text: str, at: datetime, ref: str
    ) -> bool:
        """False when an entry about `ref` is there already."""
        entry = insert(_ENTRIES).values(
            cell_id=cell_id, at=at, kind=kind.value, author=author, text=text, ref=ref
        )
        try:
            await self._db.execute(entry)
        except IntegrityError:
            return False
        return True

    async def entries(self, cell_id: int, last: int | None = None) -> list[Entry]:
        query = select(_ENTRIES).where(_ENTRIES.c.cell_id == cell_id)
        if last is not None:
            query = query.order_by(_ENTRIES.c.at.desc(), _ENTRIES.c.id.desc()).limit(last)
        rows = await self._db.rows(query)
        found = [Entry(r.id, as_utc(r.at), EntryKind(r.kind), r.author, r.text) for r in rows]
        return sorted(found, key=lambda e: (e.at, e.id))
