"""Persistence on SQLAlchemy 2 Core: SQLite (embedded) on the store's own thread, or
PostgreSQL (production, HA) through asyncpg."""

from bot.store.database import Database
from bot.store.tables import metadata

__all__ = ["Database", "metadata"]
