"""One thread that runs whole units of blocking work, one hand-off per unit.

An async SQLite driver hands every statement, the BEGIN and the COMMIT to its thread and back:
a command's bookkeeping made about a dozen such trips, each a wake-up of the thread and of
the event loop, and together they were most of a command's CPU (bench/README.md). Here a
whole transaction is one trip: the loop puts the work on a queue, the thread runs it and
hands the result back with a single `call_soon_threadsafe`.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_Job = tuple[Callable[[], Any], asyncio.AbstractEventLoop, "asyncio.Future[Any]"]


class LaneClosed(RuntimeError):
    pass


class Lane:
    """Runs callables one after the other on its own thread, in the order given."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._started = False
        self._closed = False

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` on the lane's thread; a caller cancelled meanwhile does not stop it."""
        if self._closed:
            raise LaneClosed("the lane is closed")
        if not self._started:
            self._started = True
            self._thread.start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((work, loop, future))
        return await future

    async def close(self, last: Callable[[], object] | None = None) -> None:
        """Runs `last` (a clean-up that must happen on this thread) after every queued job,
        then ends the thread."""
        if self._closed:
            return
        if self._started and last is not None:
            await self.run(last)
        self._closed = True
        if self._started:
            self._jobs.put(None)
            await asyncio.to_thread(self._thread.join)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            work, loop, future = job
            try:
                result = work()
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting caller
                _settle(loop, future, _fail, exc)
            else:
                _settle(loop, future, _succeed, result)


def _settle(
    loop: asyncio.AbstractEventLoop,
    future: asyncio.Future[Any],
    settle: Callable[[asyncio.Future[Any], Any], None],
    value: Any,
) -> None:
    with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nobody waits
        loop.call_soon_threadsafe(settle, future, value)


def _succeed(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():  # its caller was cancelled meanwhile
        future.set_result(result)


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
