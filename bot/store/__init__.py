"""Persistence: SQLAlchemy 2 async on SQLite (embedded) or PostgreSQL (production, HA)."""

from bot.store.database import Database
from bot.store.tables import Base

__all__ = ["Base", "Database"]
