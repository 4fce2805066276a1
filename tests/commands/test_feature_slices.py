"""Each slice brings its tables, commands, jobs and routes; the list of features decides."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import BaseModel
from sqlalchemy import Connection, inspect, text

from bot.feature import Feature
from bot.memory_chat import Sent
from bot.store import Database, metadata
from commands import kanban
from commands.partage.settings import SharingSettings
from commands.reunion.settings import MeetingSettings
from composition.features import DEFAULT_FEATURES
from composition.root import WEKAN_WEBHOOK_PATH
from composition.testing import BotHarness, make_settings, sqlite_url

FEATURE_TABLES = {
    "meetings": {"meetings"},
    "shares": {"shares", "room_folders"},
    "boards": {"board_links", "board_snapshots", "board_events_seen", "board_inbox",
               "board_events_told", "card_assignment_boards", "card_assignments_seen"},
    "digest": {"digest_subscriptions", "digest_deliveries"},
    "crisis": {"crisis_cells", "crisis_members", "crisis_entries"},
    "accueil": {"accueil_state", "welcomed_users", "ecogestes_suggestions",
                "ecogestes_optouts", "ecogestes_moved"},
}


def migrations() -> list[Path]:
    return [feature.migrations for feature in DEFAULT_FEATURES if feature.migrations]


def text_of(sent: list[Sent]) -> str:
    return "\n".join(item.message.text for item in sent)


async def _tables(database: Database) -> set[str]:
    return set(await database.transact(lambda sync: inspect(sync).get_table_names()))


async def _heads(database: Database) -> set[str]:
    return {row[0] for row in await database.rows(text("SELECT version_num FROM alembic_version"))}


async def test_every_enabled_feature_gets_its_tables(store_url: str) -> None:
    database = Database(store_url)
    try:
        await database.migrate(migrations())
        tables = await _tables(database)
        assert set().union(*FEATURE_TABLES.values()) <= tables
        assert await _heads(database) == {
            "0003_core", "meetings_0001", "shares_0002", "boards_0004", "digest_0001",
            "accueil_0001", "crisis_0001",
        }
    finally:
        await database.close()


async def test_a_feature_switched_off_keeps_its_tables_and_resumes_when_on(
    store_url: str,
) -> None:
    everything = migrations()
    assert kanban.feature.migrations in everything
    without_boards = [folder for folder in everything if folder != kanban.feature.migrations]
    database = Database(store_url)
    try:
        await database.migrate(everything)
        await database.migrate(without_boards)  # Alembic alone refuses an unknown revision
        assert "boards_0004" in await _heads(database)
        assert FEATURE_TABLES["boards"] <= await _tables(database)
        await database.migrate(everything)
        assert "boards_0004" in await _heads(database)
    finally:
        await database.close()


async def test_a_feature_left_out_has_no_commands_jobs_or_routes(tmp_path: Path) -> None:
    settings = make_settings(sqlite_url(tmp_path))
    enabled = [feature for feature in DEFAULT_FEATURES if feature is not kanban.feature]
    async with BotHarness(settings, features=enabled) as bot:
        overview = text_of(await bot.say("/aide"))
        assert "/reunion" in overview and "/partage" in overview
        assert "/tache" not in overview and "/kanban" not in overview
        assert "inconnue" in text_of(await bot.say("/tache Relire"))
        scheduler = bot.app.runtime.scheduler
        assert not scheduler.has("wekan-inbox") and not scheduler.has("wekan-events-prune")
        paths = {route.resource.canonical for route in bot.app.runtime.web.router.routes()}
        assert WEKAN_WEBHOOK_PATH not in paths
    async with BotHarness(make_settings(sqlite_url(tmp_path))) as bot:
        assert "/tache" in text_of(await bot.say("/aide"))
        assert bot.app.runtime.scheduler.has("wekan-inbox")
        paths = {route.resource.canonical for route in bot.app.runtime.web.router.routes()}
        assert WEKAN_WEBHOOK_PATH in paths


async def test_a_feature_gets_its_part_of_a_shared_section(tmp_path: Path) -> None:
    settings = make_settings(sqlite_url(tmp_path))
    tuned = settings.model_copy(
        update={"nextcloud": settings.nextcloud.model_copy(update={"share_root": "Equipes"})}
    )
    async with BotHarness(tuned) as bot:
        sharing = bot.app.runtime.services.get(SharingSettings)
        assert sharing.share_root == "Equipes"
        assert bot.app.runtime.services.get(MeetingSettings).proactive_dm_max_members == 25


async def test_a_feature_whose_settings_section_is_missing_fails_at_start(
    tmp_path: Path,
) -> None:
    class Missing(BaseModel):
        flag: bool = True

    lonely = Feature("lonely", settings=Missing)
    bot = BotHarness(make_settings(sqlite_url(tmp_path)), features=[lonely])
    with pytest.raises(TypeError, match="'lonely'.*section 'lonely'"):
        await bot.app.prepare()
    await bot.app.database.close()


async def test_the_tables_the_code_writes_are_the_tables_the_migrations_make(
    store_url: str,
) -> None:
    """A column declared in a slice's store but not migrated (or migrated with another type,
    length or nullability) fails here, not on the first command that writes it in production."""
    database = Database(store_url)
    try:
        await database.migrate(migrations())

        def differences(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))

        found = await database.transact(differences)
        # The test package's probe table is migrated only where a test enables it.
        elsewhere = {"probe_notes"}
        assert [d for d in found if not (isinstance(d, tuple) and d[0] == "add_table"
                                         and d[1].name in elsewhere)] == []
    finally:
        await database.close()
