"""One queue for everything the bot sends: ordered, rate-limit aware, nothing dropped."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from integrations.rocketchat.errors import RocketChatError, RocketChatUnavailable

log = logging.getLogger(__name__)
Job = Callable[[], Awaitable[Any]]
RETRY_DELAYS_SECONDS = (0.5, 1, 2, 5, 10, 30, 60)


@dataclass
class _Pending:
    job: Job
    done: asyncio.Future[Any] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class OutboundQueue:
    def __init__(self, on_depth: Callable[[int], object]) -> None:
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._on_depth = on_depth

    def start(self) -> None:
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._run(), name="rocketchat-outbound")

    async def stop(self) -> None:
        """Sends what is queued (bounded by the retries), then stops."""
        if self._worker is not None:
            await self._queue.join()
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None

    @property
    def depth(self) -> int:
        return self._queue.qsize()

    async def submit(self, job: Job) -> Any:
        pending = _Pending(job)
        await self._queue.put(pending)
        self._on_depth(self._queue.qsize())
        return await pending.done

    async def _run(self) -> None:
        while True:
            pending = await self._queue.get()
            try:
                result = await self._attempt(pending.job)
            except Exception as exc:  # reported to the caller, never lost silently
                if not pending.done.done():
                    pending.done.set_exception(exc)
            else:
                if not pending.done.done():
                    pending.done.set_result(result)
            finally:
                self._queue.task_done()
                self._on_depth(self._queue.qsize())

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
