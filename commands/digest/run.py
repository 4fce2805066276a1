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
from dataclasses import dataclass
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
        started = time.perf_counter()
        now = self.clock.now()
        claims = await self._claim_due(now) + await self._take_over(now)
        if claims:
            await self.deliver(claims, now)
            self.metrics.run_seconds.observe(time.perf_counter() - started)
            log.info("digest run", extra={"count": len(claims),
                                          "seconds": round(time.perf_counter() - started, 3)})

    async def _claim_due(self, now: datetime) -> list[Claim]:
        claims = []
        for subscription in await self.store.due(now, self.settings.batch_size):
            if now - subscription.occurrence > self.grace:
                # Missed for good: the next digest covers the period (what it tells starts
                # where the last one sent stopped).
                occurrence, due = self.next_times(subscription, now - self.grace)
                if await self.store.claim(subscription, now=now, late=True, status=Status.SKIPPED,
                                          next_occurrence=occurrence, next_due=due):
                    self.metrics.digests.labels("skipped").inc()
                continue
            occurrence, due = self.next_times(subscription, subscription.occurrence)
            late = now - subscription.due_at > self.late_after
            if await self.store.claim(subscription, now=now, late=late, status=Status.CLAIMED,
                                      next_occurrence=occurrence, next_due=due):
                claims.append(Claim(subscription, subscription.period, late))
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
        people = any(c.subscription.user_id for c in claims)
        rooms = await self.composer.rooms_of_people(gathered) if people else {}
        limit = asyncio.Semaphore(self.settings.concurrent_sends)

        async def one(claim: Claim, window: tuple[datetime, datetime]) -> None:
            async with limit:
                await self._deliver_one(claim, window, gathered, rooms, now)

        await asyncio.gather(*(one(c, w) for c, w in zip(claims, windows, strict=True)))

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

    async def text_for(
        self, subscription: Subscription, recipient: Recipient, gathered: list[Gathered],
        now: datetime,
    ) -> str | None:
        language = (
            await self.preferences.locale(subscription.user_id) if subscription.user_id else None
        )
        t = self.catalogs.get(language)
        title = texts.title(now, subscription.zone, t, room=subscription.room_name)
        return self.composer.render(gathered, recipient, t, subscription.sections_off, title)

    async def _deliver_one(
        self, claim: Claim, window: tuple[datetime, datetime], gathered: list[Gathered],
        rooms: dict[str, frozenset[str]], now: datetime,
    ) -> None:
        subscription = claim.subscription
        try:
            recipient = self.recipient(subscription, window, now, rooms)
            text = await self.text_for(subscription, recipient, gathered, now)
            if text is None:
                await self.store.finish(claim, Status.EMPTY, now, now)
                self.metrics.digests.labels("empty").inc()
                return
            message = Message(text=text, idempotency_key=message_key(subscription, claim.period))
            if subscription.room_id is not None:
                await self.chat.send(subscription.room_id, message)
            else:
                await self.chat.send_direct(subscription.username or "", message)
            await self.store.finish(claim, Status.SENT, self.clock.now(), now)
        except Exception:  # the claim stays: after the lease, a later round tries again
            log.exception("digest not sent", extra={"subscription": subscription.id})
            self.metrics.digests.labels("failed").inc()
            return
        self.metrics.digests.labels("sent").inc()
        if claim.late:
            self.metrics.digests.labels("late").inc()


def _occurrence(claim: Claim) -> datetime:
    return datetime.strptime(claim.period, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
