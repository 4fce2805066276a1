"""Schema upgrades with Alembic, imported only when the store's schema is behind."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection

from bot.store.database import CORE_VERSIONS_DIR, MIGRATIONS_DIR, VERSIONS


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


def upgrade(connection: Connection, version_locations: Sequence[Path]) -> None:
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
