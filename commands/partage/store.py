"""Shares made by the bot: which link or internal share, made by whom, where, until when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    bindparam,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Row

from bot.store.database import Database
from bot.store.tables import as_utc, as_utc_or_none, metadata, utcnow

ROOM_FOLDERS = Table(
    "room_folders",
    metadata,
    Column("room_id", String(64), primary_key=True),
    Column("folder", String(255), unique=True, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

SHARES = Table(
    "shares",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("remote_id", String(64), index=True, nullable=False),
    Column("path", String(1024), nullable=False),
    Column("url", String(1024), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("recipient", String(255), nullable=True),
    Column("permissions", Integer, nullable=False),
    Column("protected", Boolean, default=False, nullable=False),
    Column("creator_id", String(64), index=True, nullable=False),
    Column("creator_username", String(120), nullable=False),
    Column("room_id", String(64), index=True, nullable=False),
    Column("room_name", String(255), nullable=False),
    Column("expires_on", Date, nullable=True),
    Column("created_at", DateTime(timezone=True), index=True, nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revoked_by", String(120), nullable=True),
)

_ADD = insert(SHARES).returning(SHARES)
_SHARE = select(SHARES).where(SHARES.c.id == bindparam("share_id"))
_ACTIVE_BY_REMOTE_ID = (
    select(SHARES)
    .where(SHARES.c.remote_id == bindparam("remote_id"), SHARES.c.revoked_at.is_(None))
    .limit(1)
)
_IN_ROOM_SINCE = (
    select(SHARES)
    .where(SHARES.c.room_id == bindparam("room_id"), SHARES.c.created_at >= bindparam("since"))
    .order_by(SHARES.c.created_at)
)
_FOR_DIGEST = (
    select(SHARES)
    .where(
        SHARES.c.revoked_at.is_(None),
        or_(
            (SHARES.c.created_at >= bindparam("since"))
            & (SHARES.c.created_at < bindparam("until")),
            (SHARES.c.expires_on > bindparam("today"))
            & (SHARES.c.expires_on <= bindparam("expiry_by")),
        ),
    )
    .order_by(SHARES.c.created_at, SHARES.c.id)
)
# Only a share still in force: of two revocations at once, one alone is told it did it.
_REVOKE = (
    update(SHARES)
    .where(SHARES.c.id == bindparam("share_id"), SHARES.c.revoked_at.is_(None))
    .values(revoked_at=bindparam("at"), revoked_by=bindparam("by"))
)
_FOLDER_OF_ROOM = select(ROOM_FOLDERS.c.folder).where(
    ROOM_FOLDERS.c.room_id == bindparam("room_id")
)


@dataclass(frozen=True, slots=True)
class NewShare:
    remote_id: str
    path: str
    url: str
    kind: str
    creator_id: str
    creator_username: str
    room_id: str
    room_name: str
    permissions: int
    recipient: str | None = None
    protected: bool = False
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class ShareRecord:
    id: int
    remote_id: str
    path: str
    url: str
    kind: str
    recipient: str | None
    permissions: int
    protected: bool
    creator_id: str
    creator_username: str
    room_id: str
    room_name: str
    expires_on: date | None
    created_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _record(row: Row[Any]) -> ShareRecord:
    return ShareRecord(
        id=row.id,
        remote_id=row.remote_id,
        path=row.path,
        url=row.url,
        kind=row.kind,
        recipient=row.recipient,
        permissions=row.permissions,
        protected=row.protected,
        creator_id=row.creator_id,
        creator_username=row.creator_username,
        room_id=row.room_id,
        room_name=row.room_name,
        expires_on=row.expires_on,
        created_at=as_utc(row.created_at),
        revoked_at=as_utc_or_none(row.revoked_at),
        revoked_by=row.revoked_by,
    )


class ShareRecords:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, share: NewShare, at: datetime | None = None) -> ShareRecord:
        values = {
            "remote_id": share.remote_id,
            "path": share.path,
            "url": share.url,
            "kind": share.kind,
            "recipient": share.recipient,
            "permissions": share.permissions,
            "protected": share.protected,
            "creator_id": share.creator_id,
            "creator_username": share.creator_username,
            "room_id": share.room_id,
            "room_name": share.room_name,
            "expires_on": share.expires_on,
            "created_at": at or utcnow(),
        }
        row = await self._db.transact(lambda connection: connection.execute(_ADD, values).one())
        return _record(row)

    async def get(self, share_id: int) -> ShareRecord | None:
        row = await self._db.first(_SHARE, {"share_id": share_id})
        return None if row is None else _record(row)

    async def active_by_remote_id(self, remote_id: str) -> ShareRecord | None:
        row = await self._db.first(_ACTIVE_BY_REMOTE_ID, {"remote_id": remote_id})
        return None if row is None else _record(row)

    async def by_creator(
        self,
        creator_id: str,
        *,
        room_id: str | None = None,
        today: date | None = None,
        limit: int = 20,
    ) -> list[ShareRecord]:
        """Shares still in force that a user made, newest first (in one room if given).

        With `today`, a share whose expiry day has come is left out: Nextcloud has deleted it.
        """
        query = select(SHARES).where(
            SHARES.c.creator_id == creator_id, SHARES.c.revoked_at.is_(None)
        )
        if today is not None:
            query = query.where(or_(SHARES.c.expires_on.is_(None), SHARES.c.expires_on > today))
        if room_id is not None:
            query = query.where(SHARES.c.room_id == room_id)
        query = query.order_by(SHARES.c.created_at.desc(), SHARES.c.id.desc()).limit(limit)
        return [_record(row) for row in await self._db.rows(query)]

    async def in_room_since(self, room_id: str, since: datetime) -> list[ShareRecord]:
        rows = await self._db.rows(_IN_ROOM_SINCE, {"room_id": room_id, "since": since})
        return [_record(row) for row in rows]

    async def for_digest(
        self, since: datetime, until: datetime, expiry_by: date, today: date
    ) -> list[ShareRecord]:
        """Shares in force made in [since, until), and those expiring from `today` up to
        `expiry_by` (whenever made): what a digest tells."""
        values = {"since": since, "until": until, "today": today, "expiry_by": expiry_by}
        return [_record(row) for row in await self._db.rows(_FOR_DIGEST, values)]

    async def mark_revoked(self, share_id: int, by: str, at: datetime | None = None) -> bool:
        """False when the share is unknown or was already revoked."""
        values = {"share_id": share_id, "at": at or utcnow(), "by": by}
        return await self._db.execute(_REVOKE, values) == 1


MAX_FOLDER_SUFFIX = 1000


class RoomFolders:
    """Each room's share folder, fixed at first use and never given to another room.

    Rooms are renamed and names are reused once a room is deleted: a folder found by name
    would follow the name, and a new room would see what an old one stored.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._claim = database.insert(ROOM_FOLDERS).on_conflict_do_nothing()

    async def folder_for(self, room_id: str, wanted: str) -> str:
        """The room's folder; at first use `wanted`, or `wanted-2`, … when that is taken."""
        known = await self._known(room_id)
        if known is not None:
            return known
        for number in range(1, MAX_FOLDER_SUFFIX + 1):
            candidate = wanted if number == 1 else f"{wanted}-{number}"
            # Conflicts on either key do nothing: another room has the name, or another
            # replica just gave this room its folder (read again below).
            values = {"room_id": room_id, "folder": candidate, "created_at": utcnow()}
            inserted = await self._db.execute(self._claim, values) == 1
            if inserted:
                return candidate
            known = await self._known(room_id)
            if known is not None:
                return known
        raise RuntimeError(f"no free share folder for {wanted!r}")

    async def _known(self, room_id: str) -> str | None:
        folder: str | None = await self._db.scalar(_FOLDER_OF_ROOM, {"room_id": room_id})
        return folder
