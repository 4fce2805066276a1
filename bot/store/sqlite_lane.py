"""A SQLite file's transactions on the store's own thread; those asked for while the thread is
busy share one commit.

Each `transact` is a whole transaction handed to the thread at once (see lane.py). Under load
the work waiting for the thread is taken together: one BEGIN and one COMMIT (one fsync of the
write-ahead log) for the lot, each work inside its own SAVEPOINT, so that a work that fails
rolls back its own writes only and its caller alone gets the error. Alone, a work is a plain
transaction, as before. Nothing is acknowledged before its commit: exactly-once and
durability are what they were with one commit each.

A work may say it need not survive a power loss (`durable=False`: a dedupe claim, which is
only a lease): a batch of such works commits without the fsync (`PRAGMA synchronous=NORMAL`,
still safe from a crash of the process and from corruption). The next durable commit syncs
the whole log, theirs included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import StaticPool

from bot.store.batches import Batches, Failed
from bot.store.lane import Lane

T = TypeVar("T")
Work = Callable[[Connection], Any]
# Bounds how long one commit holds SQLite's write lock (other connections wait meanwhile).
MAX_BATCH = 200


def _driver_begins_nothing(dbapi_connection: Any, _record: Any) -> None:
    """The sqlite3 module begins transactions on its own, unaware of savepoints: SQLAlchemy
    begins them instead (its documented recipe for SAVEPOINT on pysqlite)."""
    dbapi_connection.isolation_level = None


def _begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


class SqliteLane:
    def __init__(self, url: URL, on_connect: Callable[[Any, Any], None]) -> None:
        self._lane = Lane("store-lane")
        self._engine = create_engine(url.set(drivername="sqlite+pysqlite"), poolclass=StaticPool)
        event.listen(self._engine, "connect", _driver_begins_nothing)
        event.listen(self._engine, "connect", on_connect)
        event.listen(self._engine, "begin", _begin)
        self._batches: Batches[tuple[Work, bool], Any] = Batches(
            self._commit, most=MAX_BATCH, name="store-lane"
        )
        self._synchronous = "FULL"  # SQLite's default, set again by on_connect if it wants

    async def transact(self, work: Callable[[Connection], T], *, durable: bool = True) -> T:
        result: T = await self._batches.submit((work, durable))
        return result

    async def close(self) -> None:
        await self._batches.drained()
        await self._lane.close(last=self._engine.dispose)  # on its connection's thread

    async def _commit(self, batch: list[tuple[Work, bool]]) -> list[Any]:
        durable = any(durable for _, durable in batch)
        return await self._lane.run(partial(self._run, [work for work, _ in batch], durable))

    def _run(self, works: Sequence[Work], durable: bool) -> list[Any]:
        with self._engine.connect() as connection:
            synchronous = "FULL" if durable else "NORMAL"
            if synchronous != self._synchronous:  # outside any transaction, as SQLite wants
                # On the driver's connection: through SQLAlchemy it would begin a transaction.
                connection.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                    f"PRAGMA synchronous={synchronous}"
                )
                self._synchronous = synchronous
            with connection.begin():
                return self._each(connection, works)

    @staticmethod
    def _each(connection: Connection, works: Sequence[Work]) -> list[Any]:
        if len(works) == 1:  # alone: its failure is the transaction's
            return [works[0](connection)]
        outcomes: list[Any] = []
        for work in works:
            try:
                with connection.begin_nested():
                    outcomes.append(work(connection))
            except Exception as exc:  # noqa: BLE001 - its caller's error, the rest commit
                outcomes.append(Failed(exc))
        return outcomes
