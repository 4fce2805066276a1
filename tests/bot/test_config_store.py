"""An SQLite store that cannot be written is refused at start with the variable to set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import StoreSettings
from composition.cli import run_problems, store_problem
from composition.testing import make_settings


def test_an_unwritable_folder_names_the_variable_the_file_and_the_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # What a non-root user meets in a folder it may not write (tests run as root, for whom
    # os.access always says yes): the same check, with the answer a non-root user would get.
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: Path(path) != tmp_path and real_access(path, mode)
    )
    monkeypatch.chdir(tmp_path)
    problem = store_problem(StoreSettings())
    assert problem is not None
    assert problem.startswith("ENSEMBLE_STORE__URL: cannot create the SQLite store ")
    assert f"{tmp_path / 'data' / 'ensemble.db'} (the default while it is unset)" in problem
    assert f": {tmp_path}: Permission denied;" in problem
    assert "postgresql+asyncpg://" in problem and "\n" not in problem


def test_an_existing_store_file_that_cannot_be_written_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    store_file = tmp_path / "bot.db"
    store_file.write_bytes(b"")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: Path(path) != store_file and real_access(path, mode)
    )
    problem = store_problem(StoreSettings(url=f"sqlite+aiosqlite:///{store_file}"))
    assert problem is not None and f": {store_file}: Permission denied;" in problem
    assert "(the default while it is unset)" not in problem


def test_a_folder_under_a_regular_file_is_refused_even_for_root(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    problem = store_problem(StoreSettings(url=f"sqlite+aiosqlite:///{tmp_path}/data/x/bot.db"))
    assert problem is not None and f": {tmp_path / 'data'}: Not a directory;" in problem


def test_a_folder_to_create_in_a_writable_one_is_fine_and_left_uncreated(tmp_path: Path) -> None:
    store = StoreSettings(url=f"sqlite+aiosqlite:///{tmp_path}/a/b/bot.db")
    assert store_problem(store) is None
    assert not (tmp_path / "a").exists()  # check-config changes nothing


def test_postgresql_and_memory_stores_have_no_folder() -> None:
    assert store_problem(StoreSettings(url="postgresql+asyncpg://bot@db/ensemble")) is None
    assert store_problem(StoreSettings(url="sqlite+aiosqlite:///:memory:")) is None


def test_run_problems_name_the_missing_chat_account_and_the_store(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path}/data/bot.db")
    settings = settings.model_copy(
        update={"rocketchat": settings.rocketchat.model_copy(update={"user_id": None})}
    )
    names = [line.split(":")[0] for line in run_problems(settings)]
    assert "ENSEMBLE_ROCKETCHAT__USER_ID" in names and names[-1] == "ENSEMBLE_STORE__URL"
