"""Meetings: the room name made once, the schedule, who organises, and the reminder state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    DateTime,
    Integer,
    Row,
    String,
    Table,
    bindparam,
    select,
    update,
)

from bot.store.database import Database
from bot.store.tables import as_utc, metadata, utcnow


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


MEETINGS = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("room_name", String(64), unique=True, nullable=False),
    Column("title", String(200), nullable=False),
    Column("organizer_id", String(64), nullable=False),
    Column("organizer_username", String(120), nullable=False),
    Column("chat_room_id", String(64), index=True, nullable=False),
    Column("starts_at", DateTime(timezone=True), index=True, nullable=False),
    Column("ends_at", DateTime(timezone=True), nullable=False),
    Column("scheduled", Boolean, nullable=False),
    Column("status", String(16), index=True, nullable=False),
    Column("external", Boolean, nullable=False),
    Column("call_id", String(64), index=True),
    Column("reminder_sent", Boolean, default=False, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

BY_ID = select(MEETINGS).where(MEETINGS.c.id == bindparam("meeting_id"))
BY_CALL_ID = select(MEETINGS).where(MEETINGS.c.call_id == bindparam("call_id")).limit(1)


@dataclass(frozen=True, slots=True)
class NewMeeting:
    room_name: str
    title: str
    organizer_id: str
    organizer_username: str
    chat_room_id: str
    starts_at: datetime
    ends_at: datetime
    scheduled: bool
    external: bool = False
    call_id: str | None = None


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    room_name: str
    title: str
    organizer_id: str
    organizer_username: str
    chat_room_id: str
    starts_at: datetime
    ends_at: datetime
    scheduled: bool
    status: MeetingStatus
    external: bool
    call_id: str | None
    reminder_sent: bool

    @property
    def cancelled(self) -> bool:
        return self.status is MeetingStatus.CANCELLED

    @classmethod
    def of(cls, row: Row[Any]) -> Meeting:
        return cls(
            id=row.id,
            room_name=row.room_name,
            title=row.title,
            organizer_id=row.organizer_id,
            organizer_username=row.organizer_username,
            chat_room_id=row.chat_room_id,
            starts_at=as_utc(row.starts_at),
            ends_at=as_utc(row.ends_at),
            scheduled=row.scheduled,
            status=MeetingStatus(row.status),
            external=row.external,
            call_id=row.call_id,
            reminder_sent=row.reminder_sent,
        )


class Meetings:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, new: NewMeeting) -> Meeting:
        statement = (
            MEETINGS.insert()
            .values(
                room_name=new.room_name,
                title=new.title,
                organizer_id=new.organizer_id,
                organizer_username=new.organizer_username,
                chat_room_id=new.chat_room_id,
                starts_at=new.starts_at.astimezone(UTC),
                ends_at=new.ends_at.astimezone(UTC),
                scheduled=new.scheduled,
                status=MeetingStatus.PLANNED.value,
                external=new.external,
                call_id=new.call_id,
                reminder_sent=False,
                created_at=utcnow(),
            )
            .returning(MEETINGS)
        )
        return Meeting.of(await self._db.transact(lambda c: c.execute(statement).one()))

    async def get(self, meeting_id: int) -> Meeting | None:
        row = await self._db.first(BY_ID, {"meeting_id": meeting_id})
        return Meeting.of(row) if row else None

    async def by_call_id(self, call_id: str) -> Meeting | None:
        row = await self._db.first(BY_CALL_ID, {"call_id": call_id})
        return Meeting.of(row) if row else None

    async def upcoming(self, chat_room_id: str, now: datetime, limit: int = 20) -> list[Meeting]:
        """The room's meetings that are not over and not cancelled, soonest first."""
        query = (
            select(MEETINGS)
            .where(
                MEETINGS.c.chat_room_id == chat_room_id,
                MEETINGS.c.status == MeetingStatus.PLANNED.value,
                MEETINGS.c.ends_at > now.astimezone(UTC),
            )
            .order_by(MEETINGS.c.starts_at, MEETINGS.c.id)
            .limit(limit)
        )
        return [Meeting.of(row) for row in await self._db.rows(query)]

    async def between(self, start: datetime, end: datetime) -> list[Meeting]:
        """Planned meetings not over at `start` that begin before `end`, in every room."""
        query = (
            select(MEETINGS)
            .where(
                MEETINGS.c.status == MeetingStatus.PLANNED.value,
                MEETINGS.c.ends_at > start.astimezone(UTC),
                MEETINGS.c.starts_at < end.astimezone(UTC),
            )
            .order_by(MEETINGS.c.starts_at, MEETINGS.c.id)
        )
        return [Meeting.of(row) for row in await self._db.rows(query)]

    async def awaiting_reminder(self, now: datetime) -> list[Meeting]:
        """Scheduled meetings still to come whose reminder has not gone out."""
        query = (
            select(MEETINGS)
            .where(
                MEETINGS.c.status == MeetingStatus.PLANNED.value,
                MEETINGS.c.scheduled.is_(True),
                MEETINGS.c.reminder_sent.is_(False),
                MEETINGS.c.ends_at > now.astimezone(UTC),
            )
            .order_by(MEETINGS.c.starts_at, MEETINGS.c.id)
        )
        return [Meeting.of(row) for row in await self._db.rows(query)]

    async def cancel(self, meeting_id: int) -> bool:
        return await self._transition(
            meeting_id,
            MEETINGS.c.status == MeetingStatus.PLANNED.value,
            status=MeetingStatus.CANCELLED.value,
        )

    async def claim_reminder(self, meeting_id: int) -> bool:
        """True for exactly one caller (also across replicas): the one that sends the reminder."""
        return await self._transition(
            meeting_id,
            MEETINGS.c.reminder_sent.is_(False),
            MEETINGS.c.status == MeetingStatus.PLANNED.value,
            reminder_sent=True,
        )

    async def _transition(
        self, meeting_id: int, *conditions: ColumnElement[bool], **values: object
    ) -> bool:
        """One conditional UPDATE: the row changes for the one caller whose conditions hold."""
        statement = (
            update(MEETINGS).where(MEETINGS.c.id == meeting_id, *conditions).values(**values)
        )
        return await self._db.execute(statement) == 1
