"""Core tables. Feature tables live next to their repositories and share this metadata."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, Text


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp with its zone: SQLite hands them back naive, and the store only
    ever writes UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def as_utc_or_none(moment: datetime | None) -> datetime | None:
    """`as_utc` of a nullable column."""
    return None if moment is None else as_utc(moment)


# Every table of the core and of the features: what Alembic compares the revisions with.
metadata = MetaData()


PROCESSED_MESSAGES = Table(
    "processed_messages",
    metadata,
    Column("message_id", String(64), primary_key=True),
    # First seen: what retention goes by.
    Column("processed_at", DateTime(timezone=True), index=True, nullable=False),
    # When the current handler took it; an unfinished claim older than the lease is taken over.
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    Column("done", Boolean, default=False, nullable=False),
)

# Where this store's view of the chat begins and up to where it has handled everything.
CHAT_MARKS = Table(
    "chat_marks",
    metadata,
    Column("name", String(32), primary_key=True),
    # The first session on this store: nothing said before is its business.
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    # Every message received before this moment has been handled (or is a duplicate).
    Column("handled_until", DateTime(timezone=True), nullable=False),
)

USER_PREFERENCES = Table(
    "user_preferences",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("locale", String(8)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

AUDIT_LOG = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), index=True, nullable=False),
    Column("user_id", String(64), index=True, nullable=False),
    Column("username", String(120), nullable=False),
    Column("room_id", String(64), nullable=False),
    Column("command", String(120), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("correlation_id", String(32), nullable=False),
    Column("detail", Text, default="", nullable=False),
)
