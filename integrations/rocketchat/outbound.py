"""Everything the bot sends: in order within a conversation (a room's timeline, a thread),
conversations side by side, nothing dropped."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from integrations.rocketchat.errors import RocketChatError, RocketChatUnavailable

log = logging.getLogger(__name__)
Job = Callable[[], Awaitable[Any]]
RETRY_DELAYS_SECONDS = (0.5, 1, 2, 5, 10, 30, 60)
DEFAULT_CONCURRENCY = 8


@dataclass
class _Pending:
    job: Job
    done: asyncio.Future[Any] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class OutboundQueue:
    """One lane per conversation keeps it in order; a slow one never holds up the others.

    A lane's worker lives only while the lane has messages, so thousands of direct-message
    rooms cost nothing once their message is out.
    """

    def __init__(
        self, on_depth: Callable[[int], object], concurrency: int = DEFAULT_CONCURRENCY
    ) -> None:
        self._lanes: dict[str, deque[_Pending]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(concurrency)
        self._depth = 0
        self._on_depth = on_depth

    @property
    def depth(self) -> int:
        return self._depth

    async def submit(self, job: Job, lane: str = "") -> Any:
        pending = _Pending(job)
        self._lanes.setdefault(lane, deque()).append(pending)
        self._report(+1)
        if lane not in self._workers:
            self._workers[lane] = asyncio.create_task(self._drain(lane), name=f"outbound-{lane}")
        return await pending.done

    async def stop(self) -> None:
        """Sends what is queued (bounded by the retries), then returns."""
        while self._workers:
            await asyncio.gather(*self._workers.values(), return_exceptions=True)

    async def _drain(self, lane: str) -> None:
        queue = self._lanes[lane]
        try:
            while queue:
                pending = queue[0]
                async with self._slots:
                    await self._settle(pending)
                queue.popleft()
                self._report(-1)
        finally:
            # No await between the last emptiness check and here: a submit cannot slip in.
            for orphan in queue:  # only when cancelled: tell the callers rather than hang them
                if not orphan.done.done():
                    orphan.done.set_exception(RocketChatUnavailable("sending stopped"))
                self._report(-1)
            del self._lanes[lane]
            del self._workers[lane]

    async def _settle(self, pending: _Pending) -> None:
        try:
            result = await self._attempt(pending.job)
        except Exception as exc:  # reported to the caller, never lost silently
            if not pending.done.done():
                pending.done.set_exception(exc)
        else:
            if not pending.done.done():
                pending.done.set_result(result)

    async def _attempt(self, job: Job) -> Any:
        for delay in (*RETRY_DELAYS_SECONDS, None):
            try:
                return await job()
            except RocketChatError:
                raise
            except RocketChatUnavailable:
                if delay is None:
                    raise
                log.warning("Rocket.Chat unavailable, retrying", extra={"delay": delay})
                await asyncio.sleep(delay)
        raise RocketChatUnavailable("unreachable")

    def _report(self, change: int) -> None:
        self._depth += change
        self._on_depth(self._depth)
