"""Core repositories: dedupe of processed messages, the chat mark, preferences, audit log.

What runs for every command (claim, mark done, preference, audit) is one `Database.transact`
each: SQLAlchemy Core on a plain connection, a whole transaction in one trip to the store's
thread, with statements built once on the tables and their values bound at each call. Through
an ORM session the same work cost about twice the CPU, building each statement anew another
0.3 ms each, and each statement's own trip to an async driver's thread about 0.15 ms.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Executable, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from bot.store.database import Database, rows_changed
from bot.store.group_commit import GroupCommit
from bot.store.tables import (
    AUDIT_LOG,
    CHAT_MARKS,
    PROCESSED_MESSAGES,
    USER_PREFERENCES,
    as_utc,
    utcnow,
)

# Longer than nearly every command takes (one send may retry for about 110 s): a claim left
# unfinished this long was cut short by a crash. A slower command on a replica that lost its
# leadership may run twice; its replies do not, their ids being derived from the command's.
CLAIM_LEASE = timedelta(seconds=120)

# A write a caller joins to another's transaction: the statement and its values.
Write = tuple[Executable, dict[str, Any]]

_PROCESSED = PROCESSED_MESSAGES
_PREFERENCES = USER_PREFERENCES
_AUDIT = AUDIT_LOG
_MARK_DONE = (
    update(_PROCESSED).where(_PROCESSED.c.message_id == bindparam("key")).values(done=True)
)
_MARK_DONE_MANY = (
    update(_PROCESSED)
    .where(_PROCESSED.c.message_id.in_(bindparam("keys", expanding=True)))
    .values(done=True)
)
_TAKE_OVER = (  # the row is re-checked under its lock: of two racing take-overs only one matches
    update(_PROCESSED)
    .where(_PROCESSED.c.message_id == bindparam("key"), _PROCESSED.c.done.is_(False),
           _PROCESSED.c.claimed_at < bindparam("stale_before"))
    .values(claimed_at=bindparam("now"))
)
_AGAIN = (
    update(_PROCESSED)
    .where(_PROCESSED.c.message_id == bindparam("key"), _PROCESSED.c.done.is_(True),
           _PROCESSED.c.processed_at < bindparam("handled_before"))
    .values(processed_at=bindparam("now"), claimed_at=bindparam("now"), done=False)
)
_AUDIT_ENTRY = insert(_AUDIT)
_LOCALE_OF = select(_PREFERENCES.c.locale).where(_PREFERENCES.c.user_id == bindparam("who"))


class ProcessedMessages:
    """Remembers message ids so that every message is handled exactly once.

    A claim is a lease: the handler marks the message done at the end, whatever the outcome.
    A claim still unfinished after `CLAIM_LEASE` means its process died, and the next claim
    (a replica's catch-up) takes it over, so a crash loses no command.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._fresh = (
            database.insert(_PROCESSED)
            .values(message_id=bindparam("key"), processed_at=bindparam("now"),
                    claimed_at=bindparam("now"), done=False)
            .on_conflict_do_nothing(index_elements=["message_id"])
        )
        # Commands arriving together (a catch-up, a burst) claim and finish in shared commits.
        # A claim is only a lease: lost to a power loss (never to a crash of the process), the
        # command is handled again as if it had not been claimed, which its lease's expiry
        # would have led to anyway; what exactly-once rests on is the done mark, which is
        # synced to disk (and with it every claim before it).
        self._claims: GroupCommit[tuple[str, datetime], bool] = GroupCommit(
            database, self._claim_many, durable=False
        )
        self._finishes: GroupCommit[tuple[str, Sequence[Write]], None] = GroupCommit(
            database, _finish_many
        )

    async def claim(
        self, message_id: str, now: datetime | None = None, *, window: timedelta | None = None
    ) -> bool:
        """True when this caller is to handle the message (also across replicas). With a
        `window`, an id handled longer ago than that is new again (the same board change
        told twice within minutes is one; a card moved back later is another)."""
        now = (now or utcnow()).astimezone(UTC)
        if window is None:
            return await self._claims.submit((message_id, now))
        key = {"key": message_id, "now": now}

        def claim_windowed(connection: Connection) -> bool:
            if _changed(connection.execute(self._fresh, key)):
                return True
            again = connection.execute(_AGAIN, {**key, "handled_before": now - window})
            return _changed(again) or _take_over(connection, message_id, now)

        return await self._db.transact(claim_windowed, durable=False)

    def _claim_many(
        self, connection: Connection, wanted: Sequence[tuple[str, datetime]]
    ) -> list[bool]:
        """One INSERT for the batch; the few ids already known try a take-over each."""
        if len(wanted) == 1:  # alone: the statement built once
            [(key, now)] = wanted
            fresh = connection.execute(self._fresh, {"key": key, "now": now})
            return [_changed(fresh) or _take_over(connection, key, now)]
        rows = dict(reversed(wanted))  # an id twice: its first claim
        fresh = (
            self._db.insert(_PROCESSED)
            .values([{"message_id": key, "processed_at": now, "claimed_at": now, "done": False}
                     for key, now in rows.items()])
            .on_conflict_do_nothing(index_elements=["message_id"])
            .returning(_PROCESSED.c.message_id)
        )
        won = set(connection.execute(fresh).scalars())
        claimed: list[bool] = []
        decided: set[str] = set()
        for key, now in wanted:
            if key in decided:  # the same id twice in one batch: only one of them runs it
                claimed.append(False)
                continue
            decided.add(key)
            claimed.append(key in won or _take_over(connection, key, now))
        return claimed

    async def lease_left(self, message_id: str, now: datetime | None = None) -> timedelta | None:
        """How long another holder's unfinished claim still runs; None when it is done."""
        now = (now or utcnow()).astimezone(UTC)
        query = select(_PROCESSED.c.done, _PROCESSED.c.claimed_at).where(
            _PROCESSED.c.message_id == message_id
        )

        def read(connection: Connection) -> Any:
            return connection.execute(query).first()

        row = await self._db.transact(read)
        if row is None or row.done:
            return None
        return max(timedelta(0), as_utc(row.claimed_at) + CLAIM_LEASE - now)

    async def mark_done(self, message_id: str, *, also: Sequence[Write] = ()) -> None:
        """Marks the message handled; `also` (its audit entry) is written in the same
        transaction, so that a command's bookkeeping costs one commit (shared with the
        commands finishing at the same moment)."""
        await self._finishes.submit((message_id, also))

    async def release(self, message_id: str, *, also: Sequence[Write] = ()) -> None:
        """Forgets a claim, so that the next claim of the same id succeeds (a retry)."""

        def forget(connection: Connection) -> None:
            connection.execute(delete(_PROCESSED).where(_PROCESSED.c.message_id == message_id))
            for statement, values in also:
                connection.execute(statement, values)

        await self._db.transact(forget)

    async def seen(self, message_id: str) -> bool:
        query = select(_PROCESSED.c.message_id).where(_PROCESSED.c.message_id == message_id)

        def read(connection: Connection) -> bool:
            return connection.execute(query).first() is not None

        return await self._db.transact(read)

    async def forget_older_than(self, age: timedelta) -> int:
        statement = delete(_PROCESSED).where(_PROCESSED.c.processed_at < utcnow() - age)

        def forget(connection: Connection) -> int:
            return rows_changed(connection.execute(statement))

        return await self._db.transact(forget)


def _take_over(connection: Connection, key: str, now: datetime) -> bool:
    """A claim left unfinished past its lease (its holder died) goes to this caller."""
    stale = {"key": key, "now": now, "stale_before": now - CLAIM_LEASE}
    return _changed(connection.execute(_TAKE_OVER, stale))


def _finish_many(
    connection: Connection, finished: Sequence[tuple[str, Sequence[Write]]]
) -> list[None]:
    if len(finished) == 1:  # alone: the statements built once, no list to expand
        [(key, writes)] = finished
        connection.execute(_MARK_DONE, {"key": key})
        for statement, values in writes:
            connection.execute(statement, values)
        return [None]
    connection.execute(_MARK_DONE_MANY, {"keys": [key for key, _ in finished]})
    rows: dict[Executable, list[dict[str, Any]]] = {}
    for _, writes in finished:
        for statement, values in writes:
            rows.setdefault(statement, []).append(values)
    for statement, many in rows.items():
        connection.execute(statement, many)
    return [None] * len(finished)


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
        row = await self._db.first(select(CHAT_MARKS).where(CHAT_MARKS.c.name == self.NAME))
        if row is None:
            return None
        return Mark(as_utc(row.first_seen_at), as_utc(row.handled_until))

    async def begin(self, now: datetime) -> Mark:
        """The stored mark; a store that never saw the chat starts it at `now`."""
        now = now.astimezone(UTC)
        statement = (
            self._db.insert(CHAT_MARKS)
            .values(name=self.NAME, first_seen_at=now, handled_until=now)
            .on_conflict_do_nothing(index_elements=[CHAT_MARKS.c.name])
        )
        await self._db.execute(statement)
        mark = await self.read()
        assert mark is not None, "inserted just before"
        return mark

    async def advance(self, moment: datetime) -> None:
        """Moves the mark forward only: a late writer (a replica stepping down) cannot move
        it back over what the new leader handled."""
        moment = moment.astimezone(UTC)
        statement = (
            update(CHAT_MARKS)
            .where(CHAT_MARKS.c.name == self.NAME, CHAT_MARKS.c.handled_until < moment)
            .values(handled_until=moment)
        )
        await self._db.execute(statement)


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
        self._writing: dict[str, int] = {}  # user id -> writes not committed yet

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

    def holds(self, user_id: str, locale: str) -> bool:
        """True when the store surely holds this choice already: kept, and no other write of
        this person's on its way (which would commit after, undoing a skipped one)."""
        known, current = self.get(user_id)
        return known and current == locale and not self._writing.get(user_id)

    def writing(self, user_id: str, delta: int) -> None:
        count = self._writing.get(user_id, 0) + delta
        if count:
            self._writing[user_id] = count
        else:
            self._writing.pop(user_id, None)

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
        fresh = database.insert(_PREFERENCES).values(
            user_id=bindparam("who"), locale=bindparam("lang"), updated_at=bindparam("at")
        )
        self._upsert = fresh.on_conflict_do_update(
            index_elements=["user_id"],
            set_={"locale": fresh.excluded.locale, "updated_at": fresh.excluded.updated_at},
        )

    async def locale(self, user_id: str) -> str | None:
        known, locale = self._cache.get(user_id)
        if known:
            return locale
        generation = self._cache.generation

        def read(connection: Connection) -> str | None:
            found: str | None = connection.execute(_LOCALE_OF, {"who": user_id}).scalar()
            return found

        locale = await self._db.transact(read)
        self._cache.keep_read(user_id, locale, generation)
        return locale

    async def locales(self, user_ids: list[str]) -> dict[str, str]:
        """The language of each of these people who chose one (a batch: one query)."""
        columns = select(_PREFERENCES.c.user_id, _PREFERENCES.c.locale)

        def read(connection: Connection) -> dict[str, str]:
            found: dict[str, str] = {}
            for start in range(0, len(user_ids), 500):  # bounded IN lists
                query = columns.where(_PREFERENCES.c.user_id.in_(user_ids[start:start + 500]))
                found.update({row.user_id: row.locale for row in connection.execute(query)
                              if row.locale})
            return found

        return await self._db.transact(read)

    async def set_locale(self, user_id: str, locale: str) -> None:
        """`updated_at` is when the choice last changed: choosing it again writes nothing."""
        if self._cache.holds(user_id, locale):
            return
        # An upsert: two quick /langue from one user must not collide on the primary key.
        values = {"who": user_id, "lang": locale, "at": utcnow()}

        def write(connection: Connection) -> None:
            connection.execute(self._upsert, values)

        self._cache.writing(user_id, +1)
        try:
            await self._db.transact(write)
        except BaseException:  # committed or not, the store is the truth: read it next time
            self._cache.written(user_id, None)
            raise
        finally:
            self._cache.writing(user_id, -1)
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
    def write(entry: AuditRecord) -> Write:
        """The entry's INSERT, for a caller that writes it with its own bookkeeping."""
        return _AUDIT_ENTRY, {"at": utcnow(), **asdict(entry)}

    async def record(self, entry: AuditRecord) -> None:
        statement, values = self.write(entry)

        def write(connection: Connection) -> None:
            connection.execute(statement, values)

        await self._db.transact(write)

    async def recent(self, limit: int = 100, since: datetime | None = None) -> list[AuditRecord]:
        query = select(_AUDIT).order_by(_AUDIT.c.id.desc()).limit(limit)
        if since is not None:
            query = query.where(_AUDIT.c.at >= since)
        rows = await self._db.rows(query)
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
