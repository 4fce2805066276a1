"""Writes that callers want at the same moment share one transaction (a group commit).

Each caller still returns only once its own write is committed, or raises the error of the
transaction it was in: nothing is acknowledged before it is stored, so exactly-once holds as
with one transaction each. Under load the bookkeeping of many commands then costs one commit
and one trip to the store's thread; alone, a write costs what it did.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.engine import Connection

from bot.store.database import Database

Item = TypeVar("Item")
Result = TypeVar("Result")
# Bounds one transaction: its statement's parameters and how long it holds SQLite's lock.
MAX_BATCH = 100


class GroupCommit(Generic[Item, Result]):
    def __init__(
        self,
        database: Database,
        write: Callable[[Connection, Sequence[Item]], Sequence[Result]],
        *,
        durable: bool = True,
    ) -> None:
        """`write` runs inside the transaction (`Database.transact`, blocking code) and
        returns one result per item, in order; `durable`: see `Database.transact`."""
        self._db = database
        self._durable = durable
        self._write = write
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="group-commit")
        # A caller cancelled meanwhile cancels its own future only: the batch still commits.
        return await future

    async def _flush(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                results = await self._commit([item for item, _ in batch])
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
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def _commit(self, items: list[Item]) -> Sequence[Result]:
        def write(connection: Connection) -> Sequence[Result]:
            return self._write(connection, items)

        return await self._db.transact(write, durable=self._durable)
