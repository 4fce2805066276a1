"""The leader's digest round: claim the periods that are due, read the sections once, then
send one message per subscriber, paced through the chat's outbound queue.

Exactly once: a period is recorded in the store in the same transaction that moves the
subscription on (only one replica or tick wins it), and the message id is derived from
(subscription, period), so a claim taken over after a crash cannot post twice either.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from prometheus_client import Counter, Histogram

from bot.config import Settings
from bot.digest import Recipient
from bot.i18n import Catalogs
from bot.metrics import Metrics
from bot.models import Message
from bot.ports import ChatPort, Clock
from bot.store.repositories import Preferences
from commands.digest import texts
from commands.digest.compose import Composer, Gathered
from commands.digest.settings import DigestSettings
from commands.digest.store import Claim, Status, Subscription, Subscriptions

log = logging.getLogger(__name__)
# Sent this many rounds after its time, a digest counts as late (the bot was down, or busy).
LATE_AFTER_ROUNDS = 3
# However long ago the last digest was, a digest looks back at most this far.
LONGEST_LOOK_BACK = timedelta(days=8)
# Rows written per transaction: few enough that SQLite's single writer is not held long.
CLAIM_BATCH = 200
FINISH_BATCH = 200


class DigestMetrics:
    def __init__(self, metrics: Metrics) -> None:
        self.digests = Counter(
            "ensemble_digests", "Digests by outcome (sent, empty, late, skipped, failed)",
            ["outcome"], registry=metrics.registry,
        )
        self.run_seconds = Histogram(
            "ensemble_digest_run_seconds", "Duration of one digest run",
            buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120), registry=metrics.registry,
        )


@dataclass(frozen=True, slots=True)
class RunData:
    """What one run read once for all its recipients."""

    gathered: list[Gathered]
    rooms: dict[str, frozenset[str]]  # user id → their rooms among the sections' ones
    languages: dict[str, str]
    now: datetime


def message_key(subscription: Subscription | int, period: str) -> str:
    number = subscription if isinstance(subscription, int) else subscription.id
    return f"digest:{number}:{period}"


def spread(subscription_id: int, seconds: int) -> timedelta:
    """Where in the spread window this subscriber's digest leaves: stable, and even."""
    return timedelta(seconds=(subscription_id * 37) % seconds) if seconds else timedelta(0)


@dataclass
class DigestRunner:
    store: Subscriptions
    composer: Composer
    chat: ChatPort
    catalogs: Catalogs
    preferences: Preferences
    settings: DigestSettings
    core: Settings
    clock: Clock
    metrics: DigestMetrics
    _running: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def grace(self) -> timedelta:
        return timedelta(minutes=self.settings.grace_minutes)

    @property
    def late_after(self) -> timedelta:
        return timedelta(seconds=LATE_AFTER_ROUNDS * self.settings.check_seconds)

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.settings.claim_lease_seconds)

    def next_times(self, subscription: Subscription, after: datetime) -> tuple[datetime, datetime]:
        occurrence = subscription.schedule.occurrences(after, subscription.zone)
        return occurrence, occurrence + spread(subscription.id, self.settings.spread_seconds)

    async def tick(self) -> None:
        async with self._running:  # one round at a time in this process
            started = time.perf_counter()
            now = self.clock.now()
            claims = await self._claim_due(now) + await self._take_over(now)
            if not claims:
                return
            await self.deliver(claims, now)
            seconds = time.perf_counter() - started
            self.metrics.run_seconds.observe(seconds)
            log.info("digest run", extra={"count": len(claims), "seconds": round(seconds, 3)})

    async def _claim_due(self, now: datetime) -> list[Claim]:
        wanted, late_ones = [], set()
        for subscription in await self.store.due(now, self.settings.batch_size):
            if now - subscription.occurrence > self.grace:
                # Missed for good: the next digest covers the period (what it tells starts
                # where the last one sent stopped).
                occurrence, due = self.next_times(subscription, now - self.grace)
                wanted.append((subscription, True, Status.SKIPPED, occurrence, due))
                continue
            occurrence, due = self.next_times(subscription, subscription.occurrence)
            late = now - subscription.due_at > self.late_after
            if late:
                late_ones.add(subscription.id)
            wanted.append((subscription, late, Status.CLAIMED, occurrence, due))
        skipped = {w[0].id for w in wanted if w[2] is Status.SKIPPED}
        won: list[Subscription] = []
        for start in range(0, len(wanted), CLAIM_BATCH):  # short write transactions
            won += await self.store.claim_many(wanted[start:start + CLAIM_BATCH], now)
        claims = []
        for subscription in won:
            if subscription.id in skipped:
                self.metrics.digests.labels("skipped").inc()
                continue
            claims.append(Claim(subscription, subscription.period,
                                subscription.id in late_ones))
        return claims

    async def _take_over(self, now: datetime) -> list[Claim]:
        """Periods claimed by a replica that died before sending them."""
        taken = []
        for claim in await self.store.stale(now - self.lease):
            if not await self.store.take_over(claim, now - self.lease, now):
                continue
            if now - _occurrence(claim) > self.grace:
                await self.store.finish(claim, Status.FAILED, now, None)
                self.metrics.digests.labels("failed").inc()
                continue
            taken.append(claim)
        return taken

    async def deliver(self, claims: list[Claim], now: datetime) -> None:
        windows = [self.window(c.subscription, _occurrence(c), now) for c in claims]
        gathered = await self.composer.gather(
            min(w[0] for w in windows), now, max(w[1] for w in windows)
        )
        people = [c.subscription.user_id for c in claims if c.subscription.user_id]
        rooms = await self.composer.rooms_of_people(gathered) if people else {}
        languages = await self.preferences.locales(people) if people else {}
        shared = RunData(gathered, rooms, languages, now)
        limit = asyncio.Semaphore(self.settings.concurrent_sends)
        done: list[tuple[Claim, Status, datetime | None]] = []

        async def one(claim: Claim, window: tuple[datetime, datetime]) -> None:
            async with limit:
                status = await self._deliver_one(claim, window, shared)
            if status is not None:
                done.append((claim, status, now))

        await asyncio.gather(*(one(c, w) for c, w in zip(claims, windows, strict=True)))
        for start in range(0, len(done), FINISH_BATCH):
            await self.store.finish_many(done[start:start + FINISH_BATCH], self.clock.now())

    def window(
        self, subscription: Subscription, occurrence: datetime, now: datetime
    ) -> tuple[datetime, datetime]:
        """(since, horizon): from the end of the last digest sent, up to the end of this
        digest's day (or week)."""
        since = subscription.covered_until or subscription.schedule.previous(
            occurrence, subscription.zone
        )
        since = max(since, now - LONGEST_LOOK_BACK)
        return since, subscription.schedule.horizon(occurrence, subscription.zone)

    def recipient(
        self, subscription: Subscription, window: tuple[datetime, datetime], now: datetime,
        rooms: dict[str, frozenset[str]],
    ) -> Recipient:
        if subscription.room_id is not None:
            own = frozenset({subscription.room_id})
        else:
            own = rooms.get(subscription.user_id or "", frozenset())
        return Recipient(
            user_id=subscription.user_id, username=subscription.username, rooms=own,
            since=window[0], until=now, horizon=window[1], tz=subscription.zone,
            roles=subscription.roles, room_id=subscription.room_id,
        )

    def text_for(
        self, subscription: Subscription, recipient: Recipient, gathered: list[Gathered],
        language: str | None, now: datetime,
    ) -> str | None:
        t = self.catalogs.get(language)
        title = texts.title(now, subscription.zone, t, room=subscription.room_name)
        return self.composer.render(gathered, recipient, t, subscription.sections_off, title)

    async def _deliver_one(
        self, claim: Claim, window: tuple[datetime, datetime], shared: RunData
    ) -> Status | None:
        """Sends one digest; its outcome, or None when it failed (the claim stays)."""
        subscription, now = claim.subscription, shared.now
        try:
            recipient = self.recipient(subscription, window, now, shared.rooms)
            language = shared.languages.get(subscription.user_id or "")
            text = self.text_for(subscription, recipient, shared.gathered, language, now)
            if text is None:
                self.metrics.digests.labels("empty").inc()
                return Status.EMPTY
            message = Message(text=text, idempotency_key=message_key(subscription, claim.period))
            if subscription.room_id is not None:
                await self.chat.send(subscription.room_id, message)
            else:
                await self.chat.send_direct(subscription.username or "", message)
        except Exception:  # the claim stays: after the lease, a later round tries again
            log.exception("digest not sent", extra={"subscription": subscription.id})
            self.metrics.digests.labels("failed").inc()
            return None
        self.metrics.digests.labels("sent").inc()
        if claim.late:
            self.metrics.digests.labels("late").inc()
        return Status.SENT


def _occurrence(claim: Claim) -> datetime:
    return datetime.strptime(claim.period, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
