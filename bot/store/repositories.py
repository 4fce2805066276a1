"""Core repositories: dedupe of processed messages, user preferences, audit log."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.store.database import Database
from bot.store.tables import AuditEntry, ProcessedMessage, UserPreference, utcnow


class ProcessedMessages:
    """Remembers message ids so that every message is handled exactly once."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim(self, message_id: str) -> bool:
        """True the first time an id is seen, False ever after (also across replicas)."""
        try:
            async with self._db.session() as session:
                session.add(ProcessedMessage(message_id=message_id, processed_at=utcnow()))
        except IntegrityError:
            return False
        return True

    async def seen(self, message_id: str) -> bool:
        async with self._db.session() as session:
            return await session.get(ProcessedMessage, message_id) is not None

    async def forget_older_than(self, age: timedelta) -> int:
        async with self._db.session() as session:
            result = await session.execute(
                delete(ProcessedMessage).where(ProcessedMessage.processed_at < utcnow() - age)
            )
            return int(getattr(result, "rowcount", 0) or 0)


class Preferences:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def locale(self, user_id: str) -> str | None:
        async with self._db.session() as session:
            row = await session.get(UserPreference, user_id)
            return row.locale if row else None

    async def set_locale(self, user_id: str, locale: str) -> None:
        # An upsert: two quick /langue from one user must not collide on the primary key.
        values = {"user_id": user_id, "locale": locale, "updated_at": utcnow()}
        statement = self._db.insert(UserPreference).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[UserPreference.user_id],
            set_={"locale": locale, "updated_at": values["updated_at"]},
        )
        async with self._db.session() as session:
            await session.execute(statement)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    user_id: str
    username: str
    room_id: str
    command: str
    outcome: str
    correlation_id: str
    detail: str = ""


class AuditLog:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def record(self, entry: AuditRecord) -> None:
        async with self._db.session() as session:
            session.add(AuditEntry(at=utcnow(), **asdict(entry)))

    async def recent(self, limit: int = 100, since: datetime | None = None) -> list[AuditRecord]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        async with self._db.session() as session:
            rows = (await session.scalars(query)).all()
        return [
            AuditRecord(
                user_id=row.user_id,
                username=row.username,
                room_id=row.room_id,
                command=row.command,
                outcome=row.outcome,
                correlation_id=row.correlation_id,
                detail=row.detail,
            )
            for row in rows
        ]
