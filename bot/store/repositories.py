"""Core repositories: dedupe of processed messages, the chat mark, preferences, audit log."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update

from bot.store.database import Database, rows_changed
from bot.store.tables import (
    AuditEntry,
    ChatMark,
    ProcessedMessage,
    UserPreference,
    as_utc,
    utcnow,
)

# Longer than nearly every command takes (one send may retry for about 110 s): a claim left
# unfinished this long was cut short by a crash. A slower command on a replica that lost its
# leadership may run twice; its replies do not, their ids being derived from the command's.
CLAIM_LEASE = timedelta(seconds=120)


class ProcessedMessages:
    """Remembers message ids so that every message is handled exactly once.

    A claim is a lease: the handler marks the message done at the end, whatever the outcome.
    A claim still unfinished after `CLAIM_LEASE` means its process died, and the next claim
    (a replica's catch-up) takes it over, so a crash loses no command.
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim(
        self, message_id: str, now: datetime | None = None, *, window: timedelta | None = None
    ) -> bool:
        """True when this caller is to handle the message (also across replicas). With a
        `window`, an id handled longer ago than that is new again (the same board change
        told twice within minutes is one; a card moved back later is another)."""
        now = (now or utcnow()).astimezone(UTC)
        fresh = (
            self._db.insert(ProcessedMessage)
            .values(message_id=message_id, processed_at=now, claimed_at=now, done=False)
            .on_conflict_do_nothing(index_elements=[ProcessedMessage.message_id])
        )
        # The row is re-checked under its lock, so of two racing take-overs only one matches.
        takeover = (
            update(ProcessedMessage)
            .where(
                ProcessedMessage.message_id == message_id,
                ProcessedMessage.done.is_(False),
                ProcessedMessage.claimed_at < now - CLAIM_LEASE,
            )
            .values(claimed_at=now)
        )
        async with self._db.session() as session:
            if _changed(await session.execute(fresh)):
                return True
            if window is not None:
                again = (
                    update(ProcessedMessage)
                    .where(
                        ProcessedMessage.message_id == message_id,
                        ProcessedMessage.done.is_(True),
                        ProcessedMessage.processed_at < now - window,
                    )
                    .values(processed_at=now, claimed_at=now, done=False)
                )
                if _changed(await session.execute(again)):
                    return True
            return _changed(await session.execute(takeover))

    async def lease_left(self, message_id: str, now: datetime | None = None) -> timedelta | None:
        """How long another holder's unfinished claim still runs; None when it is done."""
        now = (now or utcnow()).astimezone(UTC)
        async with self._db.session() as session:
            row = await session.get(ProcessedMessage, message_id)
            if row is None or row.done:
                return None
            return max(timedelta(0), as_utc(row.claimed_at) + CLAIM_LEASE - now)

    async def mark_done(self, message_id: str) -> None:
        statement = (
            update(ProcessedMessage)
            .where(ProcessedMessage.message_id == message_id)
            .values(done=True)
        )
        async with self._db.session() as session:
            await session.execute(statement)

    async def release(self, message_id: str) -> None:
        """Forgets a claim, so that the next claim of the same id succeeds (a retry)."""
        async with self._db.session() as session:
            await session.execute(
                delete(ProcessedMessage).where(ProcessedMessage.message_id == message_id)
            )

    async def seen(self, message_id: str) -> bool:
        async with self._db.session() as session:
            return await session.get(ProcessedMessage, message_id) is not None

    async def forget_older_than(self, age: timedelta) -> int:
        async with self._db.session() as session:
            result = await session.execute(
                delete(ProcessedMessage).where(ProcessedMessage.processed_at < utcnow() - age)
            )
            return rows_changed(result)


def _changed(result: object) -> bool:
    return rows_changed(result) == 1


@dataclass(frozen=True, slots=True)
class Mark:
    first_seen_at: datetime
    handled_until: datetime


class ChatMarks:
    """How far this store has handled the chat (one row: the bot lives in one chat)."""

    NAME = "chat"

    def __init__(self, database: Database) -> None:
        self._db = database

    async def read(self) -> Mark | None:
        async with self._db.session() as session:
            row = await session.get(ChatMark, self.NAME)
            if row is None:
                return None
            return Mark(as_utc(row.first_seen_at), as_utc(row.handled_until))

    async def begin(self, now: datetime) -> Mark:
        """The stored mark; a store that never saw the chat starts it at `now`."""
        now = now.astimezone(UTC)
        statement = (
            self._db.insert(ChatMark)
            .values(name=self.NAME, first_seen_at=now, handled_until=now)
            .on_conflict_do_nothing(index_elements=[ChatMark.name])
        )
        async with self._db.session() as session:
            await session.execute(statement)
        mark = await self.read()
        assert mark is not None, "inserted just before"
        return mark

    async def advance(self, moment: datetime) -> None:
        """Moves the mark forward only: a late writer (a replica stepping down) cannot move
        it back over what the new leader handled."""
        moment = moment.astimezone(UTC)
        statement = (
            update(ChatMark)
            .where(ChatMark.name == self.NAME, ChatMark.handled_until < moment)
            .values(handled_until=moment)
        )
        async with self._db.session() as session:
            await session.execute(statement)


class Preferences:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def locale(self, user_id: str) -> str | None:
        async with self._db.session() as session:
            row = await session.get(UserPreference, user_id)
            return row.locale if row else None

    async def locales(self, user_ids: list[str]) -> dict[str, str]:
        """The language of each of these people who chose one (a batch: one query)."""
        found: dict[str, str] = {}
        async with self._db.session() as session:
            for start in range(0, len(user_ids), 500):  # bounded IN lists
                query = select(UserPreference).where(
                    UserPreference.user_id.in_(user_ids[start:start + 500])
                )
                found.update({row.user_id: row.locale for row in await session.scalars(query)
                              if row.locale})
        return found

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
