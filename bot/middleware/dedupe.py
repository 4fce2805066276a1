"""Drops an event that was already handled (replays after a reconnection, other replicas).

Events are told apart by their `dedupe_key`: a message's id, and for what happens to a
message later (a reaction, a pin), its id with what happened, so that those are not taken for
replays of the message. The claim is marked done once the chain has run, whatever its outcome;
only a crash leaves it unfinished. A replay of an event another process claimed and has not
finished (the crashed leader, seen by the replica that took over seconds later) waits for the
end of that lease and claims again: if the holder died, the event is handled now rather than
never. An event its source retries after a failure (a board change from the inbox) has its
claim released on failure instead, so that the retry is handled. Ticks are not deduplicated:
only the leader runs the scheduler.

The mark and the event's audit entry are written in one transaction at the end. An event this
process marked done itself (the command again, once its thread has the bot's reply) is
ignored without asking the store: a done mark is never undone (only a retried event's failed
claim is released, and those are not remembered), so the store would answer the same.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from datetime import timedelta

from bot.events import RETRIED_BY_SOURCE, Tick
from bot.invocation import Bookkeeping, Invocation, Next
from bot.store.repositories import ProcessedMessages

log = logging.getLogger(__name__)
LEASE_MARGIN_SECONDS = 0.5
KEY_LENGTH = 64  # the store's column
# How many keys this process marked done are remembered (a few hours of a busy chat).
REMEMBERED_DONE = 4096


def stored_key(key: str) -> str:
    """The key as the store keeps it: a long one (a reaction's) is hashed to fit."""
    if len(key) <= KEY_LENGTH:
        return key
    return "h:" + hashlib.sha256(key.encode()).hexdigest()[: KEY_LENGTH - 2]


class Dedupe:
    def __init__(self, processed: ProcessedMessages) -> None:
        self._processed = processed
        # A replay while the first run is still going (longer than the lease) is a duplicate too.
        self._in_flight: set[str] = set()
        self._done: OrderedDict[str, None] = OrderedDict()

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        event = invocation.event
        if isinstance(event, Tick):
            await call_next(invocation)
            return
        key = stored_key(event.dedupe_key)
        # The stream and a catch-up can bring it at once; a window'd event may come back new.
        if key in self._in_flight or (event.dedupe_window is None and key in self._done):
            self._ignore(invocation, key)
            return
        self._in_flight.add(key)  # before the claim: a twin must not wait on our lease
        try:
            if not await self._claim(key, event.dedupe_window):
                self._ignore(invocation, key)
                return
            invocation.bookkeeping = []
            try:
                await call_next(invocation)
            except Exception:
                if isinstance(event, RETRIED_BY_SOURCE):
                    await self._release(key, invocation.bookkeeping)
                else:  # a failed command is finished too: it must not run again
                    await self._finish(key, invocation.bookkeeping, event.dedupe_window is None)
                raise
            # Cancelled (the process stops under it): left unfinished, to be taken over.
            await self._finish(key, invocation.bookkeeping, event.dedupe_window is None)
        finally:
            self._in_flight.discard(key)

    @staticmethod
    def _ignore(invocation: Invocation, key: str) -> None:
        log.debug("duplicate ignored", extra={"message_id": key})
        invocation.outcome = "duplicate"

    def _remember_done(self, key: str) -> None:
        self._done[key] = None
        if len(self._done) > REMEMBERED_DONE:
            self._done.popitem(last=False)

    async def _claim(self, key: str, window: timedelta | None) -> bool:
        if await self._processed.claim(key, window=window):
            return True
        left = await self._processed.lease_left(key)
        if left is None:
            return False  # handled for good
        log.info("message claimed elsewhere, waiting for its lease",
                 extra={"message_id": key, "seconds": round(left.total_seconds(), 1)})
        await asyncio.sleep(left.total_seconds() + LEASE_MARGIN_SECONDS)
        return await self._processed.claim(key, window=window)

    async def _finish(self, key: str, rows: list[Bookkeeping], remember: bool) -> None:
        try:
            await self._processed.mark_done(key, also=[row.write for row in rows])
        except Exception:
            if not rows:  # the command ran; at worst a replay after the lease runs it again
                log.exception("could not mark the message done", extra={"message_id": key})
                return
            # Apart then: the mark first (what exactly once rests on), each row after it.
            log.warning("bookkeeping failed, writing it apart", exc_info=True,
                        extra={"message_id": key})
            await self._finish(key, [], remember)
            await _alone(rows)
            return
        if remember:
            self._remember_done(key)

    async def _release(self, key: str, rows: list[Bookkeeping]) -> None:
        try:
            await self._processed.release(key, also=[row.write for row in rows])
        except Exception:  # the lease runs out and the retry takes the claim over
            log.exception("could not release the claim", extra={"message_id": key})
            await _alone(rows)


async def _alone(rows: list[Bookkeeping]) -> None:
    for row in rows:
        await row.alone()
