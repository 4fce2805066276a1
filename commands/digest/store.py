"""Digest subscriptions and the periods delivered: the store is what makes a digest go out
once per period, whichever replica sends it and however often it restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, Integer, String, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.database import Database, rows_changed
from bot.store.tables import Base, as_utc, utcnow
from commands.digest.schedule import Schedule, zone_named


class SubscriptionRow(Base):
    __tablename__ = "digest_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    target: Mapped[str] = mapped_column(String(80), unique=True)
    user_id: Mapped[str | None] = mapped_column(String(64))
    username: Mapped[str | None] = mapped_column(String(120))
    room_id: Mapped[str | None] = mapped_column(String(64))
    room_name: Mapped[str | None] = mapped_column(String(255))
    roles: Mapped[str] = mapped_column(String(500), default="")
    schedule: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64))
    sections_off: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    # The digest time of the next period, and when it leaves (spread over the minute).
    occurrence: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Up to where the last digest sent told the news: the next one starts from there.
    covered_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DeliveryRow(Base):
    __tablename__ = "digest_deliveries"

    subscription_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


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
    def of(cls, row: SubscriptionRow) -> Subscription:
        return cls(
            id=row.id, target=row.target, user_id=row.user_id, username=row.username,
            room_id=row.room_id, room_name=row.room_name,
            roles=frozenset(r for r in row.roles.split(",") if r),
            schedule=Schedule.decode(row.schedule), timezone=row.timezone,
            sections_off=frozenset(s for s in row.sections_off.split(",") if s),
            active=row.active, automatic=row.automatic, occurrence=as_utc(row.occurrence),
            due_at=as_utc(row.due_at),
            covered_until=as_utc(row.covered_until) if row.covered_until else None,
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
        async with self._db.session() as session:
            row = await self._row(session, target)
            return Subscription.of(row) if row else None

    @staticmethod
    async def _row(session: AsyncSession, target: str) -> SubscriptionRow | None:
        query = select(SubscriptionRow).where(SubscriptionRow.target == target)
        return (await session.scalars(query)).first()

    async def subscribe(self, wanted: Wanted) -> Subscription:
        """Creates or changes the subscription; what it covered so far is kept."""
        fields = {
            "user_id": wanted.user_id, "username": wanted.username, "room_id": wanted.room_id,
            "room_name": wanted.room_name, "roles": ",".join(sorted(wanted.roles)),
            "schedule": wanted.schedule.encode(), "timezone": wanted.timezone, "active": True,
            "automatic": wanted.automatic, "occurrence": wanted.occurrence,
            "due_at": wanted.due_at, "updated_at": utcnow(),
        }
        async with self._db.session() as session:
            row = await self._row(session, wanted.target)
            if row is None:
                row = SubscriptionRow(target=wanted.target, sections_off="", **fields)
                session.add(row)
            else:
                for name, value in fields.items():
                    setattr(row, name, value)
            await session.flush()
            return Subscription.of(row)

    async def set_sections_off(self, target: str, off: frozenset[str]) -> Subscription | None:
        async with self._db.session() as session:
            row = await self._row(session, target)
            if row is None:
                return None
            row.sections_off, row.updated_at = ",".join(sorted(off)), utcnow()
            return Subscription.of(row)

    async def stop(self, target: str) -> bool:
        """Stops it; the row stays, so that a role-based default does not bring it back."""
        statement = (
            update(SubscriptionRow)
            .where(SubscriptionRow.target == target, SubscriptionRow.active.is_(True))
            .values(active=False, updated_at=utcnow())
        )
        async with self._db.session() as session:
            return rows_changed(await session.execute(statement)) == 1

    async def known_targets(self) -> set[str]:
        async with self._db.session() as session:
            return set((await session.scalars(select(SubscriptionRow.target))).all())

    async def due(self, now: datetime, limit: int) -> list[Subscription]:
        query = (
            select(SubscriptionRow)
            .where(SubscriptionRow.active.is_(True), SubscriptionRow.due_at <= now)
            .order_by(SubscriptionRow.due_at, SubscriptionRow.id)
            .limit(limit)
        )
        async with self._db.session() as session:
            return [Subscription.of(row) for row in await session.scalars(query)]

    async def claim(
        self, subscription: Subscription, *, now: datetime, late: bool, status: Status,
        next_occurrence: datetime, next_due: datetime,
    ) -> bool:
        """Moves the subscription on to its next period and records this one, in one
        transaction: of two replicas (or two ticks) only one gets it."""
        won = await self.claim_many([(subscription, late, status, next_occurrence, next_due)],
                                    now)
        return bool(won)

    async def claim_many(
        self, wanted: list[tuple[Subscription, bool, Status, datetime, datetime]],
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
            {"subscription_id": sub.id, "period": sub.period, "status": status.value,
             "late": late, "claimed_at": now,
             "finished_at": None if status is Status.CLAIMED else now}
            for sub, late, status, _occurrence, _due in wanted
        ]
        recorded = (
            self._db.insert(DeliveryRow).values(rows)
            .on_conflict_do_nothing(index_elements=[DeliveryRow.subscription_id,
                                                    DeliveryRow.period])
            .returning(DeliveryRow.subscription_id)
        )
        moved = (
            update(SubscriptionRow).where(SubscriptionRow.id == bindparam("won"))
            .values(occurrence=bindparam("next_occurrence"), due_at=bindparam("next_due"))
        )
        async with self._db.session() as session:
            won = set((await session.execute(recorded)).scalars().all())
            moves = [{"won": sub.id, "next_occurrence": occurrence, "next_due": due}
                     for sub, _late, _status, occurrence, due in wanted if sub.id in won]
            if moves:
                await (await session.connection()).execute(moved, moves)
        return [sub for sub, *_rest in wanted if sub.id in won]

    async def stale(self, older_than: datetime) -> list[Claim]:
        """Claims whose sender died before finishing: the period is still owed."""
        query = (
            select(DeliveryRow, SubscriptionRow)
            .join(SubscriptionRow, SubscriptionRow.id == DeliveryRow.subscription_id)
            .where(DeliveryRow.status == Status.CLAIMED.value,
                   DeliveryRow.claimed_at < older_than)
        )
        async with self._db.session() as session:
            rows = (await session.execute(query)).all()
        return [Claim(Subscription.of(s), d.period, d.late) for d, s in rows]

    async def take_over(self, claim: Claim, before: datetime, now: datetime) -> bool:
        statement = (
            update(DeliveryRow)
            .where(DeliveryRow.subscription_id == claim.subscription.id,
                   DeliveryRow.period == claim.period,
                   DeliveryRow.status == Status.CLAIMED.value,
                   DeliveryRow.claimed_at < before)
            .values(claimed_at=now)
        )
        async with self._db.session() as session:
            return rows_changed(await session.execute(statement)) == 1

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
        outcome = (
            update(DeliveryRow)
            .where(DeliveryRow.subscription_id == bindparam("sub"),
                   DeliveryRow.period == bindparam("of_period"))
            .values(status=bindparam("new_status"), finished_at=now)
        )
        covered = (
            update(SubscriptionRow).where(SubscriptionRow.id == bindparam("sub"))
            .values(covered_until=bindparam("until"))
        )
        async with self._db.session() as session:
            connection = await session.connection()
            await connection.execute(outcome, [
                {"sub": c.subscription.id, "of_period": c.period, "new_status": st.value}
                for c, st, _until in done
            ])
            until = [{"sub": c.subscription.id, "until": u} for c, _st, u in done if u]
            if until:
                await connection.execute(covered, until)

    async def forget_older_than(self, moment: datetime) -> None:
        """Finished periods claimed before `moment`: a subscription only ever moves forward,
        so an old period is never claimed again."""
        async with self._db.session() as session:
            await session.execute(delete(DeliveryRow).where(
                DeliveryRow.claimed_at < moment, DeliveryRow.status != Status.CLAIMED.value
            ))

    async def deliveries(self, subscription_id: int) -> dict[str, Status]:
        query = select(DeliveryRow).where(DeliveryRow.subscription_id == subscription_id)
        async with self._db.session() as session:
            return {r.period: Status(r.status) for r in await session.scalars(query)}
