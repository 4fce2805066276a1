"""The store's transactions, on SQLAlchemy Core, and its schema migrations.

A SQLite store runs every transaction on its own thread with a plain connection (sqlite_lane.py);
a PostgreSQL store runs them through the asyncpg driver on the loop. The stores speak Core
only: the ORM, and the asyncio extension that brings it along, are 8 MiB a SQLite store never
loads (PostgreSQL needs the extension's engine, so it loads them there).

Alembic (about 35 MiB and a second of imports) is loaded only when the schema needs an
upgrade: at start, the heads stored in the version table are compared with the heads the
revision files declare, read with `ast`; anything this reading does not understand, or any
difference, hands over to Alembic as before."""

from __future__ import annotations

import ast
import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Executable, column, select, table, text
from sqlalchemy.engine import Connection, Row, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.store.sqlite_lane import SqliteLane

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")

# Alembic's default version table: one row per branch head.
VERSIONS = table("alembic_version", column("version_num"))
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
CORE_VERSIONS_DIR = MIGRATIONS_DIR / "versions"
log = logging.getLogger(__name__)


def _enable_sqlite_wal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # A burst on a loaded machine can keep the writer busy for seconds: a command then waits
    # for its turn instead of failing with "database is locked" (seen at 5 s).
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        sqlite = self.dialect == "sqlite"
        if sqlite and self.url.database not in (None, "", ":memory:"):
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        # SQLite: whole transactions on one thread with its own connection. PostgreSQL: a pool
        # of asyncpg connections, pinged at checkout (a server connection may have gone stale).
        self._lane: SqliteLane | None = (
            SqliteLane(self.url, _enable_sqlite_wal) if sqlite else None
        )
        self._server: AsyncEngine | None = None
        if not sqlite:
            from sqlalchemy.ext.asyncio import create_async_engine  # noqa: PLC0415 - PostgreSQL only

            self._server = create_async_engine(
                self.url, pool_pre_ping=True, pool_reset_on_return="rollback"
            )
        # Only the dialect in use: the PostgreSQL one alone is 2.4 MiB a SQLite store never needs.
        dialect = "postgresql" if self.dialect == "postgresql" else "sqlite"
        self._insert: Any = import_module(f"sqlalchemy.dialects.{dialect}").insert

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    def insert(self, table: Any) -> Any:
        """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL alike)."""
        return self._insert(table)

    async def transact(self, work: Callable[[Connection], T], *, durable: bool = True) -> T:
        """`work` in one transaction, with a plain (blocking) connection, committed when it
        returns; rolled back, with nothing kept, when it raises. On SQLite it runs on the
        store's own thread: one hand-off for the whole transaction where an async driver makes
        one per statement, and one commit for the works that waited together (sqlite_lane.py).
        On PostgreSQL the async driver runs it on the loop (it has no thread to hand off to).
        `durable=False`: a SQLite commit that may be lost to a power loss (not to a crash of
        the process), for a lease."""
        if self._lane is not None:
            return await self._lane.transact(work, durable=durable)
        assert self._server is not None, "a server store when not SQLite"
        async with self._server.begin() as connection:
            return await connection.run_sync(work)

    async def rows(
        self, statement: Executable, values: Mapping[str, Any] | None = None
    ) -> list[Row[Any]]:
        """Every row the statement returns, in one transaction of its own."""
        return await self.transact(lambda connection: list(connection.execute(statement, values)))

    async def first(
        self, statement: Executable, values: Mapping[str, Any] | None = None
    ) -> Row[Any] | None:
        """The statement's first row, or None."""
        return await self.transact(
            lambda connection: connection.execute(statement, values).first()
        )

    async def scalar(self, statement: Executable, values: Mapping[str, Any] | None = None) -> Any:
        """The first column of the statement's first row, or None."""
        return await self.transact(
            lambda connection: connection.execute(statement, values).scalar()
        )

    async def execute(self, statement: Executable, values: Mapping[str, Any] | None = None) -> int:
        """Runs an INSERT, UPDATE or DELETE in a transaction of its own: the rows it touched."""
        return await self.transact(
            lambda connection: rows_changed(connection.execute(statement, values))
        )

    async def migrate(self, feature_migrations: Sequence[Path] = ()) -> None:
        """Brings the schema to the newest revision of the core and of every feature given.

        Each feature's revisions sit in its own folder, one branch off the core's."""
        locations = [CORE_VERSIONS_DIR, *feature_migrations]
        if not await self._at_heads(locations):
            await self.transact(partial(_upgrade, version_locations=locations))
        log.info("store schema up to date", extra={"dialect": self.dialect})

    async def _at_heads(self, locations: Sequence[Path]) -> bool:
        """True when the stored heads are exactly those the files declare (a disabled
        feature's stored head, which no file declares, set aside as Alembic would)."""
        declared = declared_revisions(locations)
        if declared is None:
            return False
        try:
            stored = {str(row[0]) for row in await self.rows(select(VERSIONS.c.version_num))}
        except SQLAlchemyError:  # no version table yet: a new store
            return False
        heads = set(declared) - {down for downs in declared.values() for down in downs}
        return {head for head in stored if head in declared} == heads

    async def ping(self) -> bool:
        try:
            await self.scalar(text("SELECT 1"))
        except Exception:  # any driver error means "not reachable" for readiness
            log.warning("store not reachable", exc_info=True)
            return False
        return True

    async def close(self) -> None:
        if self._lane is not None:
            await self._lane.close()
        if self._server is not None:
            await self._server.dispose()


def declared_revisions(locations: Sequence[Path]) -> dict[str, tuple[str, ...]] | None:
    """Each revision the files declare, with the revisions it follows; None when a file
    declares something else than plain `revision` / `down_revision` strings (Alembic decides)."""
    declared: dict[str, tuple[str, ...]] = {}
    for location in locations:
        for path in sorted(Path(location).glob("*.py")):
            if path.name == "__init__.py":
                continue
            names = _assignments(path)
            revision, down = names.get("revision"), names.get("down_revision")
            if not isinstance(revision, str) or names.get("depends_on") is not None:
                return None
            if down is None:
                declared[revision] = ()
            elif isinstance(down, str):
                declared[revision] = (down,)
            elif isinstance(down, tuple) and all(isinstance(d, str) for d in down):
                declared[revision] = down
            else:
                return None
    return declared


def _assignments(path: Path) -> dict[str, object]:
    """The module's top-level `name = literal` assignments (a non-literal value: an error)."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name):
            try:
                found[target.id] = ast.literal_eval(value)
            except ValueError:
                found[target.id] = ValueError
    return found


def alembic_config(
    connection: Connection | None = None, version_locations: Sequence[Path] = (CORE_VERSIONS_DIR,)
) -> Config:
    from bot.store.upgrade import alembic_config as config  # noqa: PLC0415 - Alembic on demand

    return config(connection, version_locations)


def _upgrade(connection: Connection, version_locations: Sequence[Path]) -> None:
    from bot.store.upgrade import upgrade  # noqa: PLC0415 - Alembic only for an upgrade

    upgrade(connection, version_locations)


def rows_changed(result: object) -> int:
    """How many rows an INSERT, UPDATE or DELETE touched (its CursorResult's rowcount)."""
    return int(getattr(result, "rowcount", 0) or 0)
