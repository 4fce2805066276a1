"""Drops a message that was already handled (replays after a reconnection, other replicas).

The claim is marked done once the chain has run, whatever its outcome; only a crash leaves it
unfinished. A replay of a message another process claimed and has not finished (the crashed
leader, seen by the replica that took over seconds later) waits for the end of that lease and
claims again: if the holder died, the command runs now rather than never.
"""

from __future__ import annotations

import asyncio
import logging

from bot.invocation import Invocation, Next
from bot.store.repositories import ProcessedMessages

log = logging.getLogger(__name__)
LEASE_MARGIN_SECONDS = 0.5


class Dedupe:
    def __init__(self, processed: ProcessedMessages) -> None:
        self._processed = processed
        # A replay while the first run is still going (longer than the lease) is a duplicate too.
        self._in_flight: set[str] = set()

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        message_id = invocation.event.message_id
        if message_id in self._in_flight:  # the stream and a catch-up can bring it at once
            self._ignore(invocation)
            return
        self._in_flight.add(message_id)  # before the claim: a twin must not wait on our lease
        try:
            if not await self._claim(message_id):
                self._ignore(invocation)
                return
            try:
                await call_next(invocation)
            except Exception:  # a failed command is finished too: it must not run again
                await self._finish(message_id)
                raise
            # Cancelled (the process stops under it): left unfinished, to be taken over.
            await self._finish(message_id)
        finally:
            self._in_flight.discard(message_id)

    @staticmethod
    def _ignore(invocation: Invocation) -> None:
        log.info("duplicate ignored", extra={"message_id": invocation.event.message_id})
        invocation.outcome = "duplicate"

    async def _claim(self, message_id: str) -> bool:
        if await self._processed.claim(message_id):
            return True
        left = await self._processed.lease_left(message_id)
        if left is None:
            return False  # handled for good
        log.info("message claimed elsewhere, waiting for its lease",
                 extra={"message_id": message_id, "seconds": round(left.total_seconds(), 1)})
        await asyncio.sleep(left.total_seconds() + LEASE_MARGIN_SECONDS)
        return await self._processed.claim(message_id)

    async def _finish(self, message_id: str) -> None:
        try:
            await self._processed.mark_done(message_id)
        except Exception:  # the command ran; at worst a replay after the lease runs it again
            log.exception("could not mark the message done", extra={"message_id": message_id})
