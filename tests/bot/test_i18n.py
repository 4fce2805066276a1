"""Every message id used in the code exists, translated, in both catalogs."""

from __future__ import annotations

import shutil
import string
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir

from bot.config import PROJECT_ROOT
from bot.i18n import SUPPORTED_LOCALES, Catalogs, load_catalogs, missing_catalogs

KEYWORDS = {"N_": None, "Nn_": (1, 2), "t": None, "tn": (1, 2)}
SOURCE_DIRS = ("bot", "commands", "integrations")
LOCALES = PROJECT_ROOT / "locales"


def _used_message_ids() -> set[str]:
    found: set[str] = set()
    for folder in SOURCE_DIRS:
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / folder, keywords=KEYWORDS, method_map=[("**.py", "python")]
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, tuple | list) else [str(value or "")]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", SUPPORTED_LOCALES)
def test_every_message_in_the_code_is_translated(language: str) -> None:
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id): m
        for catalog in load_catalogs(LOCALES, language)
        for m in catalog
        if m.id
    }
    used = _used_message_ids()
    assert len(used) > 20
    missing = sorted(used - set(translated))
    assert missing == [], f"missing in {language}: {missing}"
    empty = sorted(i for i in used if not all(_strings(translated[i].string)))
    assert empty == [], f"untranslated in {language}: {empty}"


@pytest.mark.parametrize("language", SUPPORTED_LOCALES)
def test_translations_keep_the_placeholders(language: str) -> None:
    for catalog in load_catalogs(LOCALES, language):
        for message in catalog:
            if not message.id or isinstance(message.id, tuple):
                continue
            assert _placeholders(str(message.string)) == _placeholders(message.id), message.id


def test_french_is_the_default_and_english_differs() -> None:
    catalogs = Catalogs(LOCALES)
    assert catalogs.get(None).t("Usage:") == "Utilisation\u202f:"
    assert catalogs.get("en").t("Usage:") == "Usage:"
    assert catalogs.get("de").language == "fr"


def test_babel_formats_numbers_and_dates_per_language() -> None:
    catalogs = Catalogs(LOCALES)
    moment = datetime(2026, 12, 12, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert catalogs.get("fr").number(9000.5) == "9\u202f000,5"
    assert catalogs.get("en").number(9000.5) == "9,000.5"
    assert "déc." in catalogs.get("fr").datetime(moment)
    assert "Dec" in catalogs.get("en").datetime(moment)


def test_catalog_files_exist_for_each_language() -> None:
    for language in SUPPORTED_LOCALES:
        assert list(Path(LOCALES / language / "LC_MESSAGES").glob("*.po"))


def test_the_catalogs_come_with_the_package_when_no_folder_is_set() -> None:
    shipped = Catalogs()
    assert shipped.get("fr").t("Usage:") == Catalogs(LOCALES).get("fr").t("Usage:")
    assert shipped.get("fr").t("Usage:") != "Usage:"
    assert missing_catalogs(LOCALES) == []


def test_a_folder_without_a_language_or_a_domain_is_incomplete(tmp_path: Path) -> None:
    shutil.copytree(LOCALES, tmp_path / "locales")
    (tmp_path / "locales" / "fr" / "LC_MESSAGES" / "reunion.po").unlink()
    shutil.rmtree(tmp_path / "locales" / "en")
    missing = missing_catalogs(tmp_path / "locales")
    assert "fr/LC_MESSAGES/reunion.po" in missing and "fr/LC_MESSAGES/core.po" not in missing
    assert {f"en/LC_MESSAGES/{domain}.po" for domain in ("core", "kanban")} <= set(missing)
