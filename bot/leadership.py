"""Who is the active replica: a PostgreSQL advisory lock held on a dedicated connection.

Only the leader consumes chat events and runs the scheduler; standbys wait and take over
within a poll interval when the leader's connection (and so its lock) goes away. On SQLite
there is one process by construction, which always leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

log = logging.getLogger(__name__)
CHECK_TIMEOUT_SECONDS = 5.0


class Leadership(Protocol):
    # Whether another process may hold or take the lead: only then is it watched (a SQLite
    # store has one process, so nothing wakes the bot up every poll interval to ask).
    contested: bool

    async def try_acquire(self) -> bool: ...

    async def still_held(self) -> bool: ...

    async def release(self) -> None: ...


class SoloLeadership:
    contested = False

    async def try_acquire(self) -> bool:
        return True

    async def still_held(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class PostgresLeadership:
    contested = True

    def __init__(self, store_url: str, lock_key: int) -> None:
        # The asyncio extension loads the ORM with it (8 MiB): only a PostgreSQL store pays it.
        from sqlalchemy.ext.asyncio import create_async_engine  # noqa: PLC0415

        # Its own engine without a pool: the lock must live on one connection we control.
        self._engine = create_async_engine(store_url, poolclass=NullPool)
        self._key = lock_key
        self._connection: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        try:
            if self._connection is None:
                self._connection = await self._engine.connect()
            result = await asyncio.wait_for(
                self._connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
                ),
                CHECK_TIMEOUT_SECONDS,
            )
            held = bool(result.scalar())
        except (OSError, SQLAlchemyError, TimeoutError) as exc:
            log.warning("leader election: store unreachable", extra={"reason": str(exc)[:200]})
            await self._drop()
            return False
        return held

    async def still_held(self) -> bool:
        """The lock lives as long as its connection: a failed ping means it is gone."""
        if self._connection is None:
            return False
        try:
            await asyncio.wait_for(
                self._connection.execute(text("SELECT 1")), CHECK_TIMEOUT_SECONDS
            )
        except (OSError, SQLAlchemyError, TimeoutError):
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(OSError, SQLAlchemyError):
                await self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self._key}
                )
        await self._drop()
        await self._engine.dispose()

    async def _drop(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):  # it may already be broken
                await self._connection.close()
        self._connection = None


def leadership_for(store_url: str, lock_key: int) -> Leadership:
    if make_url(store_url).get_backend_name() == "postgresql":
        return PostgresLeadership(store_url, lock_key)
    return SoloLeadership()
