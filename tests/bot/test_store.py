"""The store on SQLite and PostgreSQL: migrations from empty, dedupe, preferences, audit."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, select, text

from bot.store import Database
from bot.store.repositories import (
    AuditLog,
    AuditRecord,
    Preferences,
    ProcessedMessages,
    preference_cache,
)
from bot.store.tables import USER_PREFERENCES


async def _tables(database: Database) -> set[str]:
    return set(await database.transact(lambda sync: inspect(sync).get_table_names()))


async def test_migration_from_an_empty_database_creates_every_table(store_url: str) -> None:
    database = Database(store_url)
    try:
        assert "processed_messages" not in await _tables(database)
        await database.migrate()
        await database.migrate()  # a restart re-applies nothing and loses nothing
        tables = await _tables(database)
        assert {"processed_messages", "user_preferences", "audit_log", "alembic_version"} <= tables
    finally:
        await database.close()


async def test_a_message_id_is_claimed_once_even_concurrently(store_url: str) -> None:
    database = Database(store_url)
    await database.migrate()
    processed = ProcessedMessages(database)
    try:
        results = await asyncio.gather(*(processed.claim("msg-1") for _ in range(8)))
        assert sorted(results) == [False] * 7 + [True]
        assert await processed.claim("msg-2") is True
        assert await processed.seen("msg-1")
    finally:
        await database.close()


async def test_preferences_survive_a_restart(store_url: str) -> None:
    first = Database(store_url)
    await first.migrate()
    await Preferences(first).set_locale("u1", "en")
    await Preferences(first).set_locale("u1", "fr")
    await Preferences(first).set_locale("u2", "en")
    await first.close()
    second = Database(store_url)
    await second.migrate()
    try:
        assert await Preferences(second).locale("u1") == "fr"
        assert await Preferences(second).locale("u2") == "en"
        assert await Preferences(second).locale("nobody") is None
    finally:
        await second.close()


async def test_a_language_chosen_through_one_service_is_what_the_others_read(
    store_url: str,
) -> None:
    database = Database(store_url)
    await database.migrate()
    preference_cache(database).start()  # as on the leader, which keeps what it read
    try:
        middleware_view, feature_view = Preferences(database), Preferences(database)
        assert await feature_view.locale("u1") is None
        await middleware_view.set_locale("u1", "en")
        assert await feature_view.locale("u1") == "en"
        await feature_view.set_locale("u1", "fr")
        assert await middleware_view.locale("u1") == "fr"
    finally:
        await database.close()


async def _changed_at(database: Database, user_id: str) -> object:
    return await database.scalar(
        select(USER_PREFERENCES.c.updated_at).where(USER_PREFERENCES.c.user_id == user_id)
    )


async def test_choosing_the_language_one_already_has_changes_nothing_stored(
    store_url: str,
) -> None:
    database = Database(store_url)
    await database.migrate()
    preference_cache(database).start()  # as on the leader
    preferences = Preferences(database)
    try:
        await preferences.set_locale("u1", "en")
        chosen_at = await _changed_at(database, "u1")
        await preferences.set_locale("u1", "en")
        assert await _changed_at(database, "u1") == chosen_at
        await preferences.set_locale("u1", "fr")
        assert await _changed_at(database, "u1") != chosen_at
    finally:
        await database.close()


async def test_the_last_language_asked_wins_while_an_earlier_change_is_being_written(
    store_url: str,
) -> None:
    database = Database(store_url)
    await database.migrate()
    preference_cache(database).start()
    preferences = Preferences(database)
    try:
        await preferences.set_locale("u1", "fr")
        # "en" is on its way when "fr" is asked again: "fr" must still be written after it.
        await asyncio.gather(
            preferences.set_locale("u1", "en"), preferences.set_locale("u1", "fr")
        )
        preference_cache(database).stop()  # read the store itself
        assert await preferences.locale("u1") == "fr"
    finally:
        await database.close()


async def test_audit_log_keeps_entries_newest_first(store_url: str) -> None:
    database = Database(store_url)
    await database.migrate()
    audit = AuditLog(database)
    try:
        for outcome in ("ok", "denied"):
            await audit.record(AuditRecord("u1", "marie", "r1", "reunion", outcome, "abc"))
        entries = await audit.recent()
        assert [e.outcome for e in entries] == ["denied", "ok"]
        assert entries[0].username == "marie"
    finally:
        await database.close()


async def test_sqlite_store_runs_in_wal_mode(tmp_path: object) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path}/wal.db")
    await database.migrate()
    try:
        mode = await database.transact(
            lambda connection: connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        )
        assert mode == "wal"
    finally:
        await database.close()


async def test_concurrent_language_changes_of_one_user_do_not_collide(store_url: str) -> None:
    database = Database(store_url)
    await database.migrate()
    preferences = Preferences(database)
    try:
        await asyncio.gather(*(preferences.set_locale("u1", lang) for lang in ["fr", "en"] * 5))
        assert await preferences.locale("u1") in ("fr", "en")
    finally:
        await database.close()


def test_a_restart_on_an_up_to_date_store_does_not_load_the_migration_tooling(
    tmp_path: Path,
) -> None:
    # Alembic costs about 35 MiB and a second of imports on every start otherwise.
    script = (
        "import asyncio, sys\n"
        "from bot.store import Database\n"
        "async def main():\n"
        f"    database = Database('sqlite+aiosqlite:///{tmp_path}/up.db')\n"
        "    await database.migrate()\n"
        "    await database.close()\n"
        "asyncio.run(main())\n"
        "print('alembic' in sys.modules)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]  # the first start creates the schema, the next only reads


class _Interrupted(Exception):
    pass


async def test_a_transaction_cut_short_keeps_none_of_its_writes_and_holds_no_lock(
    store_url: str,
) -> None:
    """A work that wrote past SQLAlchemy (on the driver's own cursor) and then failed: its
    write is rolled back with the transaction, and the next writer is not left waiting on a
    lock it kept."""
    database = Database(store_url)
    try:
        await database.migrate()

        def write_then_fail(connection: Connection) -> None:
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cursor.execute("INSERT INTO user_preferences (user_id, locale, updated_at) "
                           "VALUES ('u-left', 'en', CURRENT_TIMESTAMP)")
            cursor.close()
            raise _Interrupted

        with pytest.raises(_Interrupted):
            await database.transact(write_then_fail)
        await asyncio.wait_for(Preferences(database).set_locale("u-next", "fr"), 10)
        rows = await database.rows(text("SELECT user_id FROM user_preferences ORDER BY user_id"))
        assert [row.user_id for row in rows] == ["u-next"]
    finally:
        await database.close()
