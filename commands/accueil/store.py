"""What the welcome and the écogestes remember: when the feature was turned on, who was
welcomed, who got a suggestion which day, who turned them off, and what was moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.database import Database, rows_changed
from bot.store.tables import Base, as_utc


class AccueilStateRow(Base):
    __tablename__ = "accueil_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WelcomedRow(Base):
    __tablename__ = "welcomed_users"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(120))
    welcomed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SuggestionRow(Base):
    __tablename__ = "ecogestes_suggestions"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class OptOutRow(Base):
    __tablename__ = "ecogestes_optouts"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)  # "user" or "room"
    target_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MovedRow(Base):
    __tablename__ = "ecogestes_moved"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # "2026-12"
    room_id: Mapped[str] = mapped_column(String(64))
    files: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(BigInteger)
    # Each member's client would have downloaded the file: bytes × members.
    copies_bytes: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


ACTIVATED = "activated"


class Arrivals:
    """The moment the welcome was turned on, and who was welcomed."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def activated_at(self, now: datetime) -> datetime:
        """When the feature was first turned on; `now` on the first call ever."""
        async with self._db.session() as session:
            await session.execute(
                self._db.insert(AccueilStateRow)
                .values(name=ACTIVATED, at=now)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            row = await session.get(AccueilStateRow, ACTIVATED)
            assert row is not None
            return as_utc(row.at)

    async def claim(self, user_id: str, username: str, now: datetime) -> bool:
        """True for the one caller that records this person as welcomed."""
        statement = (
            self._db.insert(WelcomedRow)
            .values(user_id=user_id, username=username, welcomed_at=now)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        async with self._db.session() as session:
            return rows_changed(await session.execute(statement)) > 0

    async def release(self, user_id: str) -> None:
        """The welcome could not be sent: a later sign of this person may try again."""
        async with self._db.session() as session:
            await session.execute(delete(WelcomedRow).where(WelcomedRow.user_id == user_id))

    async def welcomed(self, user_id: str) -> bool:
        async with self._db.session() as session:
            return await session.get(WelcomedRow, user_id) is not None


@dataclass(frozen=True, slots=True)
class MonthSaving:
    month: str
    files: int
    bytes: int
    copies_bytes: int


class Ecogestes:
    """Suggestions given, opt-outs, and what was moved out of the chat."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim_suggestion(self, user_id: str, day: date) -> bool:
        """True when this person had no suggestion that day yet (and now has one)."""
        statement = (
            self._db.insert(SuggestionRow)
            .values(user_id=user_id, day=day)
            .on_conflict_do_nothing(index_elements=["user_id", "day"])
        )
        async with self._db.session() as session:
            return rows_changed(await session.execute(statement)) > 0

    async def set_off(self, scope: str, target_id: str, off: bool, now: datetime) -> None:
        async with self._db.session() as session:
            await session.execute(
                delete(OptOutRow).where(OptOutRow.scope == scope, OptOutRow.target_id == target_id)
            )
            if off:
                session.add(OptOutRow(scope=scope, target_id=target_id, at=now))

    async def is_off(self, user_id: str, room_id: str) -> bool:
        wanted = [("user", user_id), ("room", room_id)]
        async with self._db.session() as session:
            for scope, target in wanted:
                if await session.get(OptOutRow, (scope, target)) is not None:
                    return True
        return False

    async def record_moved(  # noqa: PLR0913 - one value per column
        self, message_id: str, *, room_id: str, files: int, size: int, members: int,
        at: datetime,
    ) -> bool:
        """False when that message's move was counted already (a replayed event)."""
        row = MovedRow(message_id=message_id, month=at.strftime("%Y-%m"), room_id=room_id,
                       files=files, bytes=size, copies_bytes=size * max(members, 1), at=at)
        try:
            async with self._db.session() as session:
                session.add(row)
        except IntegrityError:
            return False
        return True

    async def by_month(self) -> list[MonthSaving]:
        query = (
            select(MovedRow.month, func.sum(MovedRow.files), func.sum(MovedRow.bytes),
                   func.sum(MovedRow.copies_bytes))
            .group_by(MovedRow.month)
            .order_by(MovedRow.month)
        )
        async with self._db.session() as session:
            rows = (await session.execute(query)).all()
        return [MonthSaving(str(m), int(f or 0), int(b or 0), int(c or 0)) for m, f, b, c in rows]
