"""Meetings: the room name made once, the schedule, who organises, and the reminder state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Boolean, ColumnElement, DateTime, Integer, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.database import Database, rows_changed
from bot.store.tables import Base, as_utc, utcnow


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class MeetingRow(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    room_name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    organizer_id: Mapped[str] = mapped_column(String(64))
    organizer_username: Mapped[str] = mapped_column(String(120))
    chat_room_id: Mapped[str] = mapped_column(String(64), index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scheduled: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), index=True)
    external: Mapped[bool] = mapped_column(Boolean)
    call_id: Mapped[str | None] = mapped_column(String(64), index=True)
    reminder_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


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
    def of(cls, row: MeetingRow) -> Meeting:
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
        row = MeetingRow(
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
        async with self._db.session() as session:
            session.add(row)
            await session.flush()
            return Meeting.of(row)

    async def get(self, meeting_id: int) -> Meeting | None:
        async with self._db.session() as session:
            row = await session.get(MeetingRow, meeting_id)
            return Meeting.of(row) if row else None

    async def by_call_id(self, call_id: str) -> Meeting | None:
        query = select(MeetingRow).where(MeetingRow.call_id == call_id).limit(1)
        async with self._db.session() as session:
            row = (await session.scalars(query)).first()
            return Meeting.of(row) if row else None

    async def upcoming(self, chat_room_id: str, now: datetime, limit: int = 20) -> list[Meeting]:
        """The room's meetings that are not over and not cancelled, soonest first."""
        query = (
            select(MeetingRow)
            .where(
                MeetingRow.chat_room_id == chat_room_id,
                MeetingRow.status == MeetingStatus.PLANNED.value,
                MeetingRow.ends_at > now.astimezone(UTC),
            )
            .order_by(MeetingRow.starts_at, MeetingRow.id)
            .limit(limit)
        )
        async with self._db.session() as session:
            return [Meeting.of(row) for row in await session.scalars(query)]

    async def between(self, start: datetime, end: datetime) -> list[Meeting]:
        """Planned meetings not over at `start` that begin before `end`, in every room."""
        query = (
            select(MeetingRow)
            .where(
                MeetingRow.status == MeetingStatus.PLANNED.value,
                MeetingRow.ends_at > start.astimezone(UTC),
                MeetingRow.starts_at < end.astimezone(UTC),
            )
            .order_by(MeetingRow.starts_at, MeetingRow.id)
        )
        async with self._db.session() as session:
            return [Meeting.of(row) for row in await session.scalars(query)]

    async def awaiting_reminder(self, now: datetime) -> list[Meeting]:
        """Scheduled meetings still to come whose reminder has not gone out."""
        query = (
            select(MeetingRow)
            .where(
                MeetingRow.status == MeetingStatus.PLANNED.value,
                MeetingRow.scheduled.is_(True),
                MeetingRow.reminder_sent.is_(False),
                MeetingRow.ends_at > now.astimezone(UTC),
            )
            .order_by(MeetingRow.starts_at, MeetingRow.id)
        )
        async with self._db.session() as session:
            return [Meeting.of(row) for row in await session.scalars(query)]

    async def cancel(self, meeting_id: int) -> bool:
        return await self._transition(
            meeting_id,
            MeetingRow.status == MeetingStatus.PLANNED.value,
            status=MeetingStatus.CANCELLED.value,
        )

    async def claim_reminder(self, meeting_id: int) -> bool:
        """True for exactly one caller (also across replicas): the one that sends the reminder."""
        return await self._transition(
            meeting_id,
            MeetingRow.reminder_sent.is_(False),
            MeetingRow.status == MeetingStatus.PLANNED.value,
            reminder_sent=True,
        )

    async def _transition(
        self, meeting_id: int, *conditions: ColumnElement[bool], **values: object
    ) -> bool:
        statement = (
            update(MeetingRow).where(MeetingRow.id == meeting_id, *conditions).values(**values)
        )
        async with self._db.session() as session:
            result = await session.execute(statement)
            return rows_changed(result) == 1
