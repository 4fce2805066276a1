"""The console's throwaway store: migrated once, then copied for every later session."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.feature import Feature
from bot.store import Database
from composition.console import new_store
from composition.features import DEFAULT_FEATURES
from tests.feature_probe import feature as probe


async def at_heads(file: Path, features: Sequence[Feature]) -> bool:
    database = Database(f"sqlite+aiosqlite:///{file}")
    try:
        return await database._at_heads([f.migrations for f in features if f.migrations])
    finally:
        await database.close()


async def test_every_session_gets_a_store_at_the_newest_revisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    features = list(DEFAULT_FEATURES)
    for session in ("first", "second"):
        target = tmp_path / f"{session}.db"
        await new_store(target, features)
        assert await at_heads(target, features)  # the application has nothing to upgrade
    [template] = (tmp_path / "cache" / "ensemble-bot").iterdir()
    # Other revisions (a feature added) get their own template, never a store behind them.
    with_probe = [*features, probe]
    await new_store(tmp_path / "probe.db", with_probe)
    assert await at_heads(tmp_path / "probe.db", with_probe)
    assert len(list(template.parent.iterdir())) == 2


async def test_without_a_cache_folder_the_application_migrates_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    target = tmp_path / "console.db"
    await new_store(target, list(DEFAULT_FEATURES))
    assert not target.exists()
