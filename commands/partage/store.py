"""Shares made by the bot: which link or internal share, made by whom, where, until when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.database import Database, rows_changed
from bot.store.tables import Base, as_utc, utcnow


class RoomFolderRow(Base):
    __tablename__ = "room_folders"

    room_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    folder: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShareRow(Base):
    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    remote_id: Mapped[str] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(String(1024))
    url: Mapped[str] = mapped_column(String(1024))
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str | None] = mapped_column(String(255))
    permissions: Mapped[int] = mapped_column(Integer)
    protected: Mapped[bool] = mapped_column(default=False)
    creator_id: Mapped[str] = mapped_column(String(64), index=True)
    creator_username: Mapped[str] = mapped_column(String(120))
    room_id: Mapped[str] = mapped_column(String(64), index=True)
    room_name: Mapped[str] = mapped_column(String(255))
    expires_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(120))


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


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def _record(row: ShareRow) -> ShareRecord:
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
        created_at=_aware(row.created_at) or row.created_at,
        revoked_at=_aware(row.revoked_at),
        revoked_by=row.revoked_by,
    )


class ShareRecords:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, share: NewShare, at: datetime | None = None) -> ShareRecord:
        row = ShareRow(
            remote_id=share.remote_id,
            path=share.path,
            url=share.url,
            kind=share.kind,
            recipient=share.recipient,
            permissions=share.permissions,
            protected=share.protected,
            creator_id=share.creator_id,
            creator_username=share.creator_username,
            room_id=share.room_id,
            room_name=share.room_name,
            expires_on=share.expires_on,
            created_at=at or utcnow(),
        )
        async with self._db.session() as session:
            session.add(row)
            await session.flush()
            return _record(row)

    async def get(self, share_id: int) -> ShareRecord | None:
        async with self._db.session() as session:
            row = await session.get(ShareRow, share_id)
            return None if row is None else _record(row)

    async def active_by_remote_id(self, remote_id: str) -> ShareRecord | None:
        query = select(ShareRow).where(
            ShareRow.remote_id == remote_id, ShareRow.revoked_at.is_(None)
        )
        async with self._db.session() as session:
            row = (await session.scalars(query.limit(1))).first()
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
        query = select(ShareRow).where(
            ShareRow.creator_id == creator_id, ShareRow.revoked_at.is_(None)
        )
        if today is not None:
            query = query.where(or_(ShareRow.expires_on.is_(None), ShareRow.expires_on > today))
        if room_id is not None:
            query = query.where(ShareRow.room_id == room_id)
        query = query.order_by(ShareRow.created_at.desc(), ShareRow.id.desc()).limit(limit)
        async with self._db.session() as session:
            return [_record(row) for row in await session.scalars(query)]

    async def in_room_since(self, room_id: str, since: datetime) -> list[ShareRecord]:
        query = (
            select(ShareRow)
            .where(ShareRow.room_id == room_id, ShareRow.created_at >= since)
            .order_by(ShareRow.created_at)
        )
        async with self._db.session() as session:
            return [_record(row) for row in await session.scalars(query)]

    async def for_digest(self, since: datetime, until: datetime, expiry_by: date,
                         today: date) -> list[ShareRecord]:
        """Shares in force made in [since, until), and those expiring from `today` up to
        `expiry_by` (whenever made): what a digest tells."""
        query = (
            select(ShareRow)
            .where(
                ShareRow.revoked_at.is_(None),
                or_(
                    (ShareRow.created_at >= since) & (ShareRow.created_at < until),
                    (ShareRow.expires_on > today) & (ShareRow.expires_on <= expiry_by),
                ),
            )
            .order_by(ShareRow.created_at, ShareRow.id)
        )
        async with self._db.session() as session:
            return [_record(row) for row in await session.scalars(query)]

    async def mark_revoked(self, share_id: int, by: str, at: datetime | None = None) -> bool:
        """False when the share is unknown or was already revoked."""
        async with self._db.session() as session:
            row = await session.get(ShareRow, share_id)
            if row is None or row.revoked_at is not None:
                return False
            row.revoked_at = at or utcnow()
            row.revoked_by = by
            return True


MAX_FOLDER_SUFFIX = 1000


class RoomFolders:
    """Each room's share folder, fixed at first use and never given to another room.

    Rooms are renamed and names are reused once a room is deleted: a folder found by name
    would follow the name, and a new room would see what an old one stored.
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    async def folder_for(self, room_id: str, wanted: str) -> str:
        """The room's folder; at first use `wanted`, or `wanted-2`, … when that is taken."""
        known = await self._known(room_id)
        if known is not None:
            return known
        for number in range(1, MAX_FOLDER_SUFFIX + 1):
            candidate = wanted if number == 1 else f"{wanted}-{number}"
            # Conflicts on either key do nothing: another room has the name, or another
            # replica just gave this room its folder (read again below).
            claim = self._db.insert(RoomFolderRow).values(
                room_id=room_id, folder=candidate, created_at=utcnow()
            ).on_conflict_do_nothing()
            async with self._db.session() as session:
                inserted = rows_changed(await session.execute(claim)) == 1
            if inserted:
                return candidate
            known = await self._known(room_id)
            if known is not None:
                return known
        raise RuntimeError(f"no free share folder for {wanted!r}")

    async def _known(self, room_id: str) -> str | None:
        async with self._db.session() as session:
            row = await session.get(RoomFolderRow, room_id)
            return None if row is None else row.folder
