"""Core repositories: dedupe of processed messages, the chat mark, preferences, audit log.

What runs for every command (claim, mark done, preference, audit) uses SQLAlchemy Core on a
plain connection (`Database.transaction`): the same statements as through an ORM session, at
about half the CPU.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Executable, Insert, delete, insert, select, update

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
        async with self._db.transaction() as session:
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
        query = select(ProcessedMessage.done, ProcessedMessage.claimed_at).where(
            ProcessedMessage.message_id == message_id
        )
        async with self._db.transaction() as connection:
            row = (await connection.execute(query)).first()
        if row is None or row.done:
            return None
        return max(timedelta(0), as_utc(row.claimed_at) + CLAIM_LEASE - now)

    async def mark_done(self, message_id: str, *, also: Sequence[Executable] = ()) -> None:
        """Marks the message handled; `also` (its audit entry) is written in the same
        transaction, so that a command's bookkeeping costs one commit."""
        statement = (
            update(ProcessedMessage)
            .where(ProcessedMessage.message_id == message_id)
            .values(done=True)
        )
        async with self._db.transaction() as connection:
            await connection.execute(statement)
            for write in also:
                await connection.execute(write)

    async def release(self, message_id: str, *, also: Sequence[Executable] = ()) -> None:
        """Forgets a claim, so that the next claim of the same id succeeds (a retry)."""
        async with self._db.transaction() as connection:
            await connection.execute(
                delete(ProcessedMessage).where(ProcessedMessage.message_id == message_id)
            )
            for write in also:
                await connection.execute(write)

    async def seen(self, message_id: str) -> bool:
        query = select(ProcessedMessage.message_id).where(
            ProcessedMessage.message_id == message_id
        )
        async with self._db.transaction() as connection:
            return (await connection.execute(query)).first() is not None

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


class PreferenceCache:
    """The preferences read from one store, kept while this process is the only writer.

    Only the leader handles commands, and so only it changes preferences: while it leads, what
    it read or wrote stays true. It is switched on when this replica starts leading (emptied
    first: another leader may have changed anything meanwhile) and off when it steps down, so a
    standby (serving a web page) always reads the store. A read that overlapped a write keeps
    nothing (the generation moved), so it cannot put back the value the write replaced."""

    def __init__(self) -> None:
        self.active = False
        self.generation = 0
        self._entries: dict[str, str | None] = {}

    def start(self) -> None:
        self._reset()
        self.active = True

    def stop(self) -> None:
        self.active = False
        self._reset()

    def _reset(self) -> None:
        self.generation += 1
        self._entries.clear()

    def get(self, user_id: str) -> tuple[bool, str | None]:
        if not self.active or user_id not in self._entries:
            return False, None
        return True, self._entries[user_id]

    def keep_read(self, user_id: str, locale: str | None, generation: int) -> None:
        """What a read found, kept unless something was written since it began."""
        if self.active and generation == self.generation:
            self._entries[user_id] = locale

    def written(self, user_id: str, locale: str | None) -> None:
        """A committed write (None: the outcome is unknown, read the store next time)."""
        self.generation += 1
        if locale is None or not self.active:
            self._entries.pop(user_id, None)
        else:
            self._entries[user_id] = locale


# One cache per store, shared by every Preferences on it (a feature may build its own), so that
# a change made through one is what the others read.
_CACHES: weakref.WeakKeyDictionary[Database, PreferenceCache] = weakref.WeakKeyDictionary()


def preference_cache(database: Database) -> PreferenceCache:
    cache = _CACHES.get(database)
    if cache is None:
        cache = _CACHES[database] = PreferenceCache()
    return cache


class Preferences:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._cache = preference_cache(database)

    async def locale(self, user_id: str) -> str | None:
        known, locale = self._cache.get(user_id)
        if known:
            return locale
        generation = self._cache.generation
        query = select(UserPreference.locale).where(UserPreference.user_id == user_id)
        async with self._db.transaction() as connection:
            locale = (await connection.execute(query)).scalar_one_or_none()
        self._cache.keep_read(user_id, locale, generation)
        return locale

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
        try:
            async with self._db.transaction() as connection:
                await connection.execute(statement)
        except BaseException:  # committed or not, the store is the truth: read it next time
            self._cache.written(user_id, None)
            raise
        self._cache.written(user_id, locale)


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

    @staticmethod
    def statement(entry: AuditRecord) -> Insert:
        """The entry's INSERT, for a caller that writes it with its own bookkeeping."""
        return insert(AuditEntry).values(at=utcnow(), **asdict(entry))

    async def record(self, entry: AuditRecord) -> None:
        async with self._db.transaction() as connection:
            await connection.execute(self.statement(entry))

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
