"""What the welcome and the écogestes remember: when the feature was turned on, who was
welcomed, who got a suggestion which day, who turned them off, and what was moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.store.database import Database
from bot.store.tables import as_utc, metadata

ACCUEIL_STATE = Table(
    "accueil_state",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

WELCOMED_USERS = Table(
    "welcomed_users",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("username", String(120), nullable=False),
    Column("welcomed_at", DateTime(timezone=True), nullable=False),
)

ECOGESTES_SUGGESTIONS = Table(
    "ecogestes_suggestions",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
)

ECOGESTES_OPTOUTS = Table(
    "ecogestes_optouts",
    metadata,
    Column("scope", String(16), primary_key=True),  # "user" or "room"
    Column("target_id", String(64), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

ECOGESTES_MOVED = Table(
    "ecogestes_moved",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(64), unique=True, nullable=False),
    Column("month", String(7), index=True, nullable=False),  # "2026-12"
    Column("room_id", String(64), nullable=False),
    Column("files", Integer, nullable=False),
    Column("bytes", BigInteger, nullable=False),
    # Each member's client would have downloaded the file: bytes × members.
    Column("copies_bytes", BigInteger, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)


ACTIVATED = "activated"

_STATE, _WELCOMED = ACCUEIL_STATE, WELCOMED_USERS
_SUGGESTIONS, _OPTOUTS, _MOVED = ECOGESTES_SUGGESTIONS, ECOGESTES_OPTOUTS, ECOGESTES_MOVED
_ACTIVATED_AT = select(_STATE.c.at).where(_STATE.c.name == ACTIVATED)
_FORGET_WELCOME = delete(_WELCOMED).where(_WELCOMED.c.user_id == bindparam("who"))
_WELCOMED_ONE = select(_WELCOMED.c.user_id).where(_WELCOMED.c.user_id == bindparam("who"))
_OPTOUT = (_OPTOUTS.c.scope == bindparam("in_scope"), _OPTOUTS.c.target_id == bindparam("target"))
_SWITCH_ON = delete(_OPTOUTS).where(*_OPTOUT)
_OFF = select(_OPTOUTS.c.scope).where(
    or_(
        and_(_OPTOUTS.c.scope == "user", _OPTOUTS.c.target_id == bindparam("user_id")),
        and_(_OPTOUTS.c.scope == "room", _OPTOUTS.c.target_id == bindparam("room_id")),
    )
)
_BY_MONTH = (
    select(
        _MOVED.c.month,
        func.sum(_MOVED.c.files).label("files"),
        func.sum(_MOVED.c.bytes).label("bytes"),
        func.sum(_MOVED.c.copies_bytes).label("copies_bytes"),
    )
    .group_by(_MOVED.c.month)
    .order_by(_MOVED.c.month)
)


class Arrivals:
    """The moment the welcome was turned on, and who was welcomed."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._activate = (
            database.insert(_STATE)
            .values(name=ACTIVATED, at=bindparam("now"))
            .on_conflict_do_nothing(index_elements=["name"])
        )
        self._claim = (
            database.insert(_WELCOMED)
            .values(
                user_id=bindparam("who"), username=bindparam("name"), welcomed_at=bindparam("now")
            )
            .on_conflict_do_nothing(index_elements=["user_id"])
        )

    async def activated_at(self, now: datetime) -> datetime:
        """When the feature was first turned on; `now` on the first call ever."""

        def activate(connection: Connection) -> datetime:
            connection.execute(self._activate, {"now": now})
            at: datetime = connection.execute(_ACTIVATED_AT).scalar_one()
            return at

        return as_utc(await self._db.transact(activate))

    async def claim(self, user_id: str, username: str, now: datetime) -> bool:
        """True for the one caller that records this person as welcomed."""
        values = {"who": user_id, "name": username, "now": now}
        return await self._db.execute(self._claim, values) > 0

    async def release(self, user_id: str) -> None:
        """The welcome could not be sent: a later sign of this person may try again."""
        await self._db.execute(_FORGET_WELCOME, {"who": user_id})

    async def welcomed(self, user_id: str) -> bool:
        return await self._db.first(_WELCOMED_ONE, {"who": user_id}) is not None


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
        self._suggest = (
            database.insert(_SUGGESTIONS)
            .values(user_id=bindparam("who"), day=bindparam("when"))
            .on_conflict_do_nothing(index_elements=["user_id", "day"])
        )

    async def claim_suggestion(self, user_id: str, day: date) -> bool:
        """True when this person had no suggestion that day yet (and now has one)."""
        return await self._db.execute(self._suggest, {"who": user_id, "when": day}) > 0

    async def set_off(self, scope: str, target_id: str, off: bool, now: datetime) -> None:
        which = {"in_scope": scope, "target": target_id}
        switch_off = insert(_OPTOUTS).values(scope=scope, target_id=target_id, at=now)

        def write(connection: Connection) -> None:
            connection.execute(_SWITCH_ON, which)
            if off:
                connection.execute(switch_off)

        await self._db.transact(write)

    async def is_off(self, user_id: str, room_id: str) -> bool:
        return await self._db.first(_OFF, {"user_id": user_id, "room_id": room_id}) is not None

    async def record_moved(  # noqa: PLR0913 - one value per column
        self,
        message_id: str,
        *,
        room_id: str,
        files: int,
        size: int,
        members: int,
        at: datetime,
    ) -> bool:
        """False when that message's move was counted already (a replayed event)."""
        row = insert(_MOVED).values(
            message_id=message_id,
            month=at.strftime("%Y-%m"),
            room_id=room_id,
            files=files,
            bytes=size,
            copies_bytes=size * max(members, 1),
            at=at,
        )
        try:
            await self._db.execute(row)
        except IntegrityError:
            return False
        return True

    async def by_month(self) -> list[MonthSaving]:
        return [
            MonthSaving(
                str(r.month), int(r.files or 0), int(r.bytes or 0), int(r.copies_bytes or 0)
            )
            for r in await self._db.rows(_BY_MONTH)
        ]
