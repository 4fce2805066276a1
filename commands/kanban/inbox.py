"""Hands accepted webhook events to the pipeline, on the leader only, in arrival order.

Any replica may receive Wekan's call (a load balancer picks one), and Wekan never retries:
the event is written to the store before the 200, and the leader works through the store,
feeding each event to the pipeline as a `BoardChanged` (correlation id, dedupe, audit,
metrics, error handling) and waiting for it. An event whose handling fails stays for the
next round, up to a few attempts; the pipeline's dedupe releases its claim for that retry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bot.events import BoardChanged, Pipeline
from bot.ports.boards import BoardEvent
from commands.kanban.store import BoardInbox, InboxEntry

log = logging.getLogger(__name__)
BATCH = 50
MAX_ATTEMPTS = 5


class EventInbox:
    def __init__(
        self, inbox: BoardInbox, pipeline: Pipeline, leading: Callable[[], bool],
        backlog: Callable[[int], None] = lambda _: None,
    ) -> None:
        self._inbox = inbox
        self._backlog = backlog  # told after each round how many events still wait
        self._pipeline = pipeline
        self._leading = leading
        self._lock = asyncio.Lock()
        self._again = False
        self._task: asyncio.Task[None] | None = None

    async def accept(self, event: BoardEvent) -> None:
        await self._inbox.put(event)
        if self._leading():
            self._kick()

    def _kick(self) -> None:
        self._again = True
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.drain(), name="wekan-inbox")

    async def drain(self) -> None:
        async with self._lock:
            try:
                self._again = True
                while self._again:
                    self._again = False
                    if not await self._work_through():
                        return  # a failure: retried on the next round, order kept
            finally:
                self._backlog(await self._inbox.pending())

    async def _work_through(self) -> bool:
        while entries := await self._inbox.oldest(BATCH):
            for entry in entries:
                if not await self._tell(entry):
                    return False
        return True

    async def _tell(self, entry: InboxEntry) -> bool:
        try:
            # Nobody observes board changes when Wekan is not configured: dropped.
            await self._pipeline.feed(BoardChanged(entry.event))
        except Exception:  # a background task: the log is the only place left
            if entry.attempts + 1 < MAX_ATTEMPTS:
                log.warning("wekan event failed, will retry",
                            extra={"board": entry.event.board_id, "attempt": entry.attempts + 1},
                            exc_info=True)
                await self._inbox.count_failure(entry.id)
                return False
            log.exception("wekan event dropped after repeated failures",
                          extra={"board": entry.event.board_id})
        await self._inbox.remove(entry.id)
        return True

    async def close(self) -> None:
        """Lets a round in progress finish; what is left waits in the store for the leader."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
