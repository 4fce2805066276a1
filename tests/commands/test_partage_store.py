"""The shares table on SQLite and PostgreSQL: record, list mine, revoke once, survive restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect

from bot.store import Database
from bot.store.database import CORE_VERSIONS_DIR, alembic_config
from commands import partage
from commands.partage.store import NewShare, RoomFolders, ShareRecords

# The slice's own revisions, as the Application passes them for an enabled feature.
assert partage.feature.migrations is not None
MIGRATIONS = [partage.feature.migrations]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _share(remote_id: str, creator: str = "u-marie", room: str = "r-team") -> NewShare:
    return NewShare(
        remote_id=remote_id,
        path=f"Partage/equipe-projet/{remote_id}.pdf",
        url=f"https://cloud.example.org/index.php/s/tok{remote_id}",
        kind="link",
        creator_id=creator,
        creator_username=creator.removeprefix("u-"),
        room_id=room,
        room_name="equipe-projet",
        permissions=17,
        protected=True,
        expires_on=date(2026, 3, 9),
    )


@pytest.fixture
async def database(store_url: str) -> AsyncIterator[Database]:
    db = Database(store_url)
    await db.migrate(MIGRATIONS)
    yield db
    await db.close()


async def test_migration_adds_the_shares_table_next_to_the_core(database: Database) -> None:
    names = await database.transact(lambda sync: inspect(sync).get_table_names())
    assert {"shares", "processed_messages", "audit_log"} <= set(names)


async def test_a_recorded_share_reads_back_whole(database: Database) -> None:
    records = ShareRecords(database)
    added = await records.add(_share("41"), at=T0)
    again = await records.get(added.id)
    assert again == added
    assert again is not None
    assert (again.remote_id, again.kind, again.protected) == ("41", "link", True)
    assert again.expires_on == date(2026, 3, 9)
    assert again.created_at == T0 and not again.revoked


async def test_my_shares_are_newest_first_and_scoped_to_me_and_the_room(
    database: Database,
) -> None:
    records = ShareRecords(database)
    first = await records.add(_share("1"), at=T0)
    second = await records.add(_share("2"), at=T0 + timedelta(hours=1))
    await records.add(_share("3", creator="u-jean"), at=T0)
    elsewhere = await records.add(_share("4", room="r-general"), at=T0 + timedelta(hours=2))
    mine = await records.by_creator("u-marie")
    assert [r.id for r in mine] == [elsewhere.id, second.id, first.id]
    here = await records.by_creator("u-marie", room_id="r-team")
    assert [r.id for r in here] == [second.id, first.id]


async def test_revoking_marks_once_and_hides_from_my_list(database: Database) -> None:
    records = ShareRecords(database)
    share = await records.add(_share("7"), at=T0)
    assert await records.mark_revoked(share.id, by="marie", at=T0 + timedelta(days=1))
    assert not await records.mark_revoked(share.id, by="admin")
    assert not await records.mark_revoked(9999, by="admin")
    stored = await records.get(share.id)
    assert stored is not None and stored.revoked and stored.revoked_by == "marie"
    assert await records.by_creator("u-marie") == []
    assert await records.active_by_remote_id("7") is None


async def test_an_active_share_is_found_by_its_nextcloud_id(database: Database) -> None:
    records = ShareRecords(database)
    share = await records.add(_share("55"), at=T0)
    assert await records.active_by_remote_id("55") == share
    assert await records.active_by_remote_id("56") is None


async def test_shares_survive_a_restart_and_a_second_migration(store_url: str) -> None:
    db = Database(store_url)
    await db.migrate(MIGRATIONS)
    share = await ShareRecords(db).add(_share("8"), at=T0)
    await db.close()
    reopened = Database(store_url)
    try:
        await reopened.migrate(MIGRATIONS)
        assert await ShareRecords(reopened).get(share.id) == share
        recent = await ShareRecords(reopened).in_room_since("r-team", T0 - timedelta(hours=1))
        assert [r.id for r in recent] == [share.id]
    finally:
        await reopened.close()


async def test_room_folders_are_fixed_at_first_use_and_never_shared(store_url: str) -> None:
    database = Database(store_url)
    await database.migrate(MIGRATIONS)
    folders = RoomFolders(database)
    assert await folders.folder_for("r-team", "equipe-projet") == "equipe-projet"
    assert await folders.folder_for("r-team", "projet-2027") == "equipe-projet"  # renamed
    assert await folders.folder_for("r-new", "equipe-projet") == "equipe-projet-2"
    assert await folders.folder_for("r-other", "equipe-projet") == "equipe-projet-3"
    await database.close()

    reopened = Database(store_url)
    await reopened.migrate(MIGRATIONS)
    assert await RoomFolders(reopened).folder_for("r-new", "anything") == "equipe-projet-2"
    await reopened.close()


async def test_the_upgrade_keeps_each_room_on_the_folder_its_shares_were_made_in(
    store_url: str,
) -> None:
    database = Database(store_url)
    try:
        locations = [CORE_VERSIONS_DIR, *MIGRATIONS]
        await database.transact(
            lambda sync: command.upgrade(alembic_config(sync, locations), "shares_0001")
        )
        records = ShareRecords(database)
        await records.add(_share("att", room="r-team"))  # Partage/equipe-projet/att.pdf
        # A share made from another room of a path in that folder does not make it its own.
        await records.add(replace(_share("x", room="r-autre"), room_name="autre"))
        await database.migrate(MIGRATIONS)
        folders = RoomFolders(database)
        assert await folders.folder_for("r-team", "projet-2027") == "equipe-projet"  # renamed
        assert await folders.folder_for("r-autre", "autre") == "autre"
        assert await folders.folder_for("r-newcomer", "equipe-projet") == "equipe-projet-2"
    finally:
        await database.close()


async def test_shares_whose_expiry_day_has_come_are_no_longer_in_force(
    database: Database,
) -> None:
    records = ShareRecords(database)
    await records.add(_share("a"))  # expires 2026-03-09
    await records.add(replace(_share("b"), expires_on=None))
    in_force = await records.by_creator("u-marie", today=date(2026, 3, 8))
    assert {r.remote_id for r in in_force} == {"a", "b"}
    on_the_day = await records.by_creator("u-marie", today=date(2026, 3, 9))
    assert [r.remote_id for r in on_the_day] == ["b"]  # Nextcloud deleted it that morning
