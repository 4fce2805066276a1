"""Every list setting reads `a,b` as people type it, and a JSON list; a bad value is one line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import get_origin

import pytest
from pydantic import BaseModel

from bot.config import env_name
from composition.cli import load_settings
from composition.settings import EnsembleSettings as Settings


def _list_settings(model: type[BaseModel], location: tuple[str, ...] = ()) -> Iterator[str]:
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _list_settings(annotation, (*location, name))
        elif get_origin(annotation) in (list, set, frozenset, tuple):
            yield env_name((*location, name))


LIST_SETTINGS = sorted(_list_settings(Settings))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [n for n in os.environ if n.startswith("ENSEMBLE_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def _value(settings: Settings, variable: str) -> object:
    target: object = settings
    for part in variable.removeprefix("ENSEMBLE_").lower().split("__"):
        target = getattr(target, part)
    return target


def test_the_list_settings_are_found_in_sections_too() -> None:
    # The walk finds every list field, so a new one is tested by the tests below.
    class Section(BaseModel):
        names: list[str] = []

    class Model(BaseModel):
        roles: list[str] = []
        section: Section = Section()

    assert sorted(_list_settings(Model)) == ["ENSEMBLE_ROLES", "ENSEMBLE_SECTION__NAMES"]
    assert {"ENSEMBLE_CRISIS_ROLES", "ENSEMBLE_ADMIN_ROLES"} <= set(LIST_SETTINGS)


@pytest.mark.parametrize("variable", LIST_SETTINGS)
@pytest.mark.parametrize(
    "typed", ["admin,crise", " admin , crise ,", '["admin", "crise"]', ' ["admin","crise"] ']
)
def test_a_list_setting_reads_commas_and_json(
    monkeypatch: pytest.MonkeyPatch, variable: str, typed: str
) -> None:
    monkeypatch.setenv(variable, typed)
    assert _value(Settings(), variable) == ["admin", "crise"]


@pytest.mark.parametrize("variable", LIST_SETTINGS)
def test_a_json_list_keeps_commas_inside_its_items(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, '["Fait, vérifié", "Done"]')
    assert _value(Settings(), variable) == ["Fait, vérifié", "Done"]


@pytest.mark.parametrize("variable", LIST_SETTINGS)
def test_a_list_setting_reads_commas_from_a_dotenv_file(variable: str, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"{variable}=admin,crise\n", "utf-8")
    assert _value(Settings(), variable) == ["admin", "crise"]


@pytest.mark.parametrize("variable", LIST_SETTINGS)
@pytest.mark.parametrize("typed", ['["admin", "crise"', "[admin, crise]", '[1, "x"]'])
def test_a_bad_list_is_one_line_naming_the_variable_and_the_form(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    typed: str,
) -> None:
    monkeypatch.setenv(variable, typed)
    assert load_settings() is None
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{variable}: "), lines


def test_a_section_that_is_not_json_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENSEMBLE_JITSI", "{base_url: x")
    assert load_settings() is None
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "ENSEMBLE_JITSI: expected a JSON object, or one ENSEMBLE_JITSI__<FIELD> variable per "
        "setting (Jitsi, for /reunion and the call button; all unset = meetings off)"
    ]
