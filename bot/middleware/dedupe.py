"""Drops a message that was already handled (replays after a reconnection, other replicas).

The claim is marked done once the chain has run, whatever its outcome; only a crash leaves it
unfinished, and then the replica that replays the message takes it over after the lease.
"""

from __future__ import annotations

import logging

from bot.invocation import Invocation, Next
from bot.store.repositories import ProcessedMessages

log = logging.getLogger(__name__)


class Dedupe:
    def __init__(self, processed: ProcessedMessages) -> None:
        self._processed = processed
        # A replay while the first run is still going (longer than the lease) is a duplicate too.
        self._in_flight: set[str] = set()

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        message_id = invocation.event.message_id
        if message_id in self._in_flight or not await self._processed.claim(message_id):
            log.info("duplicate ignored", extra={"message_id": message_id})
            invocation.outcome = "duplicate"
            return
        self._in_flight.add(message_id)
        try:
            await call_next(invocation)
        except Exception:  # a failed command is finished too: it must not run again
            await self._finish(message_id)
            raise
        else:
            await self._finish(message_id)
        finally:
            self._in_flight.discard(message_id)

    async def _finish(self, message_id: str) -> None:
        try:
            await self._processed.mark_done(message_id)
        except Exception:  # the command ran; at worst a replay after the lease runs it again
            log.exception("could not mark the message done", extra={"message_id": message_id})
