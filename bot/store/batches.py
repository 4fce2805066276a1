"""Items asked for while a batch is being committed wait together for the next one.

The one mechanism behind the store's group commits (group_commit.py: one multi-row statement
for many claims; sqlite_lane.py: one commit for many transactions). Each caller returns once
its own item's batch is committed, or raises the error of that batch (or its own item's):
nothing is acknowledged before it is stored. Alone, an item is a batch of one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass(frozen=True, slots=True)
class Failed:
    """One item's own failure in a batch that committed the others."""

    error: Exception


class Batches(Generic[Item, Result]):
    def __init__(
        self,
        commit: Callable[[list[Item]], Awaitable[Sequence[Result | Failed]]],
        *,
        most: int,
        name: str,
    ) -> None:
        """`commit` stores a batch (at most `most` items) and returns one outcome per item,
        in order."""
        self._commit = commit
        self._most = most
        self._name = name
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name=self._name)
        # A caller cancelled meanwhile cancels its own future only: the batch still commits.
        return await future

    async def drained(self) -> None:
        """Returns once what was submitted so far is settled."""
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)

    async def _flush(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
            try:
                outcomes = await self._commit([item for item, _ in batch])
            except BaseException as exc:  # every caller of the batch learns why, none hangs
                stopped = isinstance(exc, asyncio.CancelledError)
                if stopped:  # nobody will write the rest either
                    batch, self._waiting = batch + self._waiting, []
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if stopped:
                    raise
                continue
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():  # its caller was cancelled meanwhile
                    continue
                if isinstance(outcome, Failed):
                    future.set_exception(outcome.error)
                else:
                    future.set_result(outcome)
