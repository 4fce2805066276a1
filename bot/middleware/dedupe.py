"""Drops a message that was already handled (replays after a reconnection, other replicas)."""

from __future__ import annotations

import logging

from bot.invocation import Invocation, Next
from bot.store.repositories import ProcessedMessages

log = logging.getLogger(__name__)


class Dedupe:
    def __init__(self, processed: ProcessedMessages) -> None:
        self._processed = processed

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        if not await self._processed.claim(invocation.event.message_id):
            log.info("duplicate ignored", extra={"message_id": invocation.event.message_id})
            invocation.outcome = "duplicate"
            return
        await call_next(invocation)
