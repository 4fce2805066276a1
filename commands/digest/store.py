"""Digest subscriptions and the periods delivered: the store is what makes a digest go out
once per period, whichever replica sends it and however often it restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    Row,
    String,
    Table,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.engine import Connection

from bot.store.database import Database
from bot.store.tables import as_utc, as_utc_or_none, metadata, utcnow
from commands.digest.schedule import Schedule, zone_named

SUBSCRIPTIONS = Table(
    "digest_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(80), unique=True, nullable=False),
    Column("user_id", String(64)),
    Column("username", String(120)),
    Column("room_id", String(64)),
    Column("room_name", String(255)),
    Column("roles", String(500), default="", nullable=False),
    Column("schedule", String(64), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("sections_off", String(255), default="", nullable=False),
    Column("active", Boolean, nullable=False),
    Column("automatic", Boolean, default=False, nullable=False),
    # The digest time of the next period, and when it leaves (spread over the minute).
    Column("occurrence", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), index=True, nullable=False),
    # Up to where the last digest sent told the news: the next one starts from there.
    Column("covered_until", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

DELIVERIES = Table(
    "digest_deliveries",
    metadata,
    Column("subscription_id", Integer, primary_key=True),
    Column("period", String(32), primary_key=True),
    Column("status", String(16), index=True, nullable=False),
    Column("late", Boolean, default=False, nullable=False),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)

BY_TARGET = select(SUBSCRIPTIONS).where(SUBSCRIPTIONS.c.target == bindparam("target"))
# The winners of a claim move on to their next period (one execution per winner).
MOVED = (
    update(SUBSCRIPTIONS)
    .where(SUBSCRIPTIONS.c.id == bindparam("won"))
    .values(occurrence=bindparam("next_occurrence"), due_at=bindparam("next_due"))
)
OUTCOME = (
    update(DELIVERIES)
    .where(
        DELIVERIES.c.subscription_id == bindparam("sub"),
        DELIVERIES.c.period == bindparam("of_period"),
    )
    .values(status=bindparam("new_status"), finished_at=bindparam("finished"))
)
COVERED = (
    update(SUBSCRIPTIONS)
    .where(SUBSCRIPTIONS.c.id == bindparam("sub"))
    .values(covered_until=bindparam("until"))
)


class Status(StrEnum):
    CLAIMED = "claimed"  # being sent; a claim older than the lease is taken over
    SENT = "sent"
    EMPTY = "empty"  # nothing to say: nothing sent
    SKIPPED = "skipped"  # its time passed beyond the grace window
    FAILED = "failed"


def user_target(user_id: str) -> str:
    return f"user:{user_id}"


def room_target(room_id: str) -> str:
    return f"room:{room_id}"


def period_of(occurrence: datetime) -> str:
    return occurrence.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    target: str
    user_id: str | None
    username: str | None
    room_id: str | None
    room_name: str | None
    roles: frozenset[str]
    schedule: Schedule
    timezone: str
    sections_off: frozenset[str]
    active: bool
    automatic: bool
    occurrence: datetime
    due_at: datetime
    covered_until: datetime | None

    @property
    def zone(self) -> tzinfo:
        return zone_named(self.timezone)

    @property
    def period(self) -> str:
        return period_of(self.occurrence)

    @classmethod
    def of(cls, row: Row[Any]) -> Subscription:
        return cls(
            id=row.id,
            target=row.target,
            user_id=row.user_id,
            username=row.username,
            room_id=row.room_id,
            room_name=row.room_name,
            roles=frozenset(r for r in row.roles.split(",") if r),
            schedule=Schedule.decode(row.schedule),
            timezone=row.timezone,
            sections_off=frozenset(s for s in row.sections_off.split(",") if s),
            active=row.active,
            automatic=row.automatic,
            occurrence=as_utc(row.occurrence),
            due_at=as_utc(row.due_at),
            covered_until=as_utc_or_none(row.covered_until),
        )


@dataclass(frozen=True, slots=True)
class Wanted:
    """A subscription as its owner sets it (the store adds the rest)."""

    target: str
    schedule: Schedule
    timezone: str
    occurrence: datetime
    due_at: datetime
    user_id: str | None = None
    username: str | None = None
    room_id: str | None = None
    room_name: str | None = None
    roles: frozenset[str] = frozenset()
    automatic: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    subscription: Subscription
    period: str
    late: bool


class Subscriptions:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def get(self, target: str) -> Subscription | None:
        row = await self._db.first(BY_TARGET, {"target": target})
        return Subscription.of(row) if row else None

    async def subscribe(self, wanted: Wanted) -> Subscription:
        """Creates or changes the subscription; what it covered so far is kept."""
        fields = {
            "user_id": wanted.user_id,
            "username": wanted.username,
            "room_id": wanted.room_id,
            "room_name": wanted.room_name,
            "roles": ",".join(sorted(wanted.roles)),
            "schedule": wanted.schedule.encode(),
            "timezone": wanted.timezone,
            "active": True,
            "automatic": wanted.automatic,
            "occurrence": wanted.occurrence,
            "due_at": wanted.due_at,
            "updated_at": utcnow(),
        }

        # Read and write in one transaction, as before: of two first subscriptions racing
        # (PostgreSQL), the second insert fails on the unique target instead of merging.
        def save(connection: Connection) -> Row[Any]:
            row = connection.execute(BY_TARGET, {"target": wanted.target}).first()
            if row is None:
                added = SUBSCRIPTIONS.insert().values(
                    {**fields, "target": wanted.target, "sections_off": ""}
                )
                return connection.execute(added.returning(SUBSCRIPTIONS)).one()
            changed = update(SUBSCRIPTIONS).where(SUBSCRIPTIONS.c.id == row.id).values(fields)
            return connection.execute(changed.returning(SUBSCRIPTIONS)).one()

        return Subscription.of(await self._db.transact(save))

    async def set_sections_off(self, target: str, off: frozenset[str]) -> Subscription | None:
        statement = (
            update(SUBSCRIPTIONS)
            .where(SUBSCRIPTIONS.c.target == target)
            .values(sections_off=",".join(sorted(off)), updated_at=utcnow())
            .returning(SUBSCRIPTIONS)
        )
        row = await self._db.first(statement)
        return Subscription.of(row) if row else None

    async def stop(self, target: str) -> bool:
        """Stops it; the row stays, so that a role-based default does not bring it back."""
        statement = (
            update(SUBSCRIPTIONS)
            .where(SUBSCRIPTIONS.c.target == target, SUBSCRIPTIONS.c.active.is_(True))
            .values(active=False, updated_at=utcnow())
        )
        return await self._db.execute(statement) == 1

    async def known_targets(self) -> set[str]:
        return {row.target for row in await self._db.rows(select(SUBSCRIPTIONS.c.target))}

    async def due(self, now: datetime, limit: int) -> list[Subscription]:
        query = (
            select(SUBSCRIPTIONS)
            .where(SUBSCRIPTIONS.c.active.is_(True), SUBSCRIPTIONS.c.due_at <= now)
            .order_by(SUBSCRIPTIONS.c.due_at, SUBSCRIPTIONS.c.id)
            .limit(limit)
        )
        return [Subscription.of(row) for row in await self._db.rows(query)]

    async def claim(
        self,
        subscription: Subscription,
        *,
        now: datetime,
        late: bool,
        status: Status,
        next_occurrence: datetime,
        next_due: datetime,
    ) -> bool:
        """Moves the subscription on to its next period and records this one, in one
        transaction: of two replicas (or two ticks) only one gets it."""
        won = await self.claim_many([(subscription, late, status, next_occurrence, next_due)], now)
        return bool(won)

    async def claim_many(
        self,
        wanted: list[tuple[Subscription, bool, Status, datetime, datetime]],
        now: datetime,
    ) -> list[Subscription]:
        """`claim` for a batch, in one transaction; the subscriptions this caller won.

        The period's row is the claim: its key (subscription, period) lets one insert win,
        whoever races (another replica, a second tick, a reader of an older state); the
        winners' subscriptions then move on to their next period.
        """
        if not wanted:
            return []
        rows = [
            {
                "subscription_id": sub.id,
                "period": sub.period,
                "status": status.value,
                "late": late,
                "claimed_at": now,
                "finished_at": None if status is Status.CLAIMED else now,
            }
            for sub, late, status, _occurrence, _due in wanted
        ]
        recorded = (
            self._db.insert(DELIVERIES)
            .values(rows)
            .on_conflict_do_nothing(
                index_elements=[DELIVERIES.c.subscription_id, DELIVERIES.c.period]
            )
            .returning(DELIVERIES.c.subscription_id)
        )

        def record(connection: Connection) -> set[int]:
            won = set(connection.execute(recorded).scalars().all())
            moves = [
                {"won": sub.id, "next_occurrence": occurrence, "next_due": due}
                for sub, _late, _status, occurrence, due in wanted
                if sub.id in won
            ]
            if moves:
                connection.execute(MOVED, moves)
            return won

        won = await self._db.transact(record)
        return [sub for sub, *_rest in wanted if sub.id in won]

    async def stale(self, older_than: datetime) -> list[Claim]:
        """Claims whose sender died before finishing: the period is still owed."""
        # The two tables share no column name: a row reads as the subscription as it is.
        query = (
            select(SUBSCRIPTIONS, DELIVERIES.c.period, DELIVERIES.c.late)
            .join(DELIVERIES, SUBSCRIPTIONS.c.id == DELIVERIES.c.subscription_id)
            .where(
                DELIVERIES.c.status == Status.CLAIMED.value,
                DELIVERIES.c.claimed_at < older_than,
            )
        )
        return [
            Claim(Subscription.of(row), row.period, row.late) for row in await self._db.rows(query)
        ]

    async def take_over(self, claim: Claim, before: datetime, now: datetime) -> bool:
        statement = (
            update(DELIVERIES)
            .where(
                DELIVERIES.c.subscription_id == claim.subscription.id,
                DELIVERIES.c.period == claim.period,
                DELIVERIES.c.status == Status.CLAIMED.value,
                DELIVERIES.c.claimed_at < before,
            )
            .values(claimed_at=now)
        )
        return await self._db.execute(statement) == 1

    async def finish(
        self, claim: Claim, status: Status, now: datetime, covered_until: datetime | None
    ) -> None:
        await self.finish_many([(claim, status, covered_until)], now)

    async def finish_many(
        self, done: list[tuple[Claim, Status, datetime | None]], now: datetime
    ) -> None:
        """Records the outcome of many deliveries in one transaction (two statements)."""
        if not done:
            return
        outcomes = [
            {
                "sub": c.subscription.id,
                "of_period": c.period,
                "new_status": st.value,
                "finished": now,
            }
            for c, st, _until in done
        ]
        until = [{"sub": c.subscription.id, "until": u} for c, _st, u in done if u]

        def record(connection: Connection) -> None:
            connection.execute(OUTCOME, outcomes)
            if until:
                connection.execute(COVERED, until)

        await self._db.transact(record)

    async def forget_older_than(self, moment: datetime) -> None:
        """Finished periods claimed before `moment`: a subscription only ever moves forward,
        so an old period is never claimed again."""
        await self._db.execute(
            delete(DELIVERIES).where(
                DELIVERIES.c.claimed_at < moment, DELIVERIES.c.status != Status.CLAIMED.value
            )
        )

    async def deliveries(self, subscription_id: int) -> dict[str, Status]:
        query = select(DELIVERIES.c.period, DELIVERIES.c.status).where(
            DELIVERIES.c.subscription_id == subscription_id
        )
        return {row.period: Status(row.status) for row in await self._db.rows(query)}
