"""Core tables. Feature tables live next to their repositories and share this metadata."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp with its zone: SQLite hands them back naive, and the store only
    ever writes UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# Every table of the core and of the features: what Alembic compares the revisions with.
metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class ProcessedMessage(Base):
    __tablename__ = "processed_messages"

    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # First seen: what retention goes by.
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # When the current handler took it; an unfinished claim older than the lease is taken over.
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class ChatMark(Base):
    """Where this store's view of the chat begins and up to where it has handled everything."""

    __tablename__ = "chat_marks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    # The first session on this store: nothing said before is its business.
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Every message received before this moment has been handled (or is a duplicate).
    handled_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserPreference(Base):
    __tablename__ = "user_preferences"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    username: Mapped[str] = mapped_column(String(120))
    room_id: Mapped[str] = mapped_column(String(64))
    command: Mapped[str] = mapped_column(String(120))
    outcome: Mapped[str] = mapped_column(String(32))
    correlation_id: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")
