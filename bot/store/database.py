"""Engine, sessions and schema migrations of the store."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import column, event, table, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

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
        if self.dialect == "sqlite" and self.url.database not in (None, "", ":memory:"):
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        self.engine: AsyncEngine = create_async_engine(self.url, pool_pre_ping=True)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _enable_sqlite_wal)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    def insert(self, table: Any) -> Any:
        """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL alike)."""
        return postgresql_insert(table) if self.dialect == "postgresql" else sqlite_insert(table)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session, session.begin():
            yield session

    async def migrate(self, feature_migrations: Sequence[Path] = ()) -> None:
        """Brings the schema to the newest revision of the core and of every feature given.

        Each feature's revisions sit in its own folder, one branch off the core's."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade, [CORE_VERSIONS_DIR, *feature_migrations])
        log.info("store schema up to date", extra={"dialect": self.dialect})

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # any driver error means "not reachable" for readiness
            log.warning("store not reachable", exc_info=True)
            return False
        return True

    async def close(self) -> None:
        await self.engine.dispose()


def alembic_config(
    connection: Connection | None = None, version_locations: Sequence[Path] = (CORE_VERSIONS_DIR,)
) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(str(location) for location in version_locations)
    )
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, version_locations: Sequence[Path]) -> None:
    config = alembic_config(connection, version_locations)
    script = ScriptDirectory.from_config(config)
    # A feature switched off leaves its revision in the version table, and Alembic refuses to
    # start from a revision it has no script for: set that branch aside while the enabled ones
    # upgrade, and put it back untouched so that it resumes when the feature is switched on.
    aside = [head for head in _current_heads(connection) if not _known(script, head)]
    if aside:
        connection.execute(VERSIONS.delete().where(VERSIONS.c.version_num.in_(aside)))
    # Each feature adds its own branch off the core revision, so there are several heads.
    command.upgrade(config, "heads")
    if aside:
        connection.execute(VERSIONS.insert(), [{"version_num": head} for head in aside])


def _current_heads(connection: Connection) -> tuple[str, ...]:
    return MigrationContext.configure(connection).get_current_heads()


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def rows_changed(result: object) -> int:
    """How many rows an INSERT, UPDATE or DELETE touched (its CursorResult's rowcount)."""
    return int(getattr(result, "rowcount", 0) or 0)
