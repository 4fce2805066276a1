"""Writes that callers want at the same moment share one transaction (a group commit).

Each caller still returns only once its own write is committed, or raises the error of the
transaction it was in: nothing is acknowledged before it is stored, so exactly-once holds as
with one transaction each. Under load the bookkeeping of many commands then costs one
statement per kind and one commit; alone, a write costs what it did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy.engine import Connection

from bot.store.batches import Batches
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
        self._batches: Batches[Item, Result] = Batches(
            self._commit, most=MAX_BATCH, name="group-commit"
        )

    async def submit(self, item: Item) -> Result:
        return await self._batches.submit(item)

    async def _commit(self, items: list[Item]) -> Sequence[Result]:
        def write(connection: Connection) -> Sequence[Result]:
            return self._write(connection, items)

        return await self._db.transact(write, durable=self._durable)
