"""The companion app's command list and i18n files come from the bot's own declarations."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.config import PROJECT_ROOT
from composition import app_manifest
from composition.testing import BotHarness

APP = PROJECT_ROOT / "rocketchat-app"


def test_the_committed_app_files_are_what_the_declarations_generate() -> None:
    assert app_manifest.stale() == [], "run `make app-manifest` and commit the result"


def _app_commands() -> set[str]:
    module = (APP / app_manifest.COMMANDS_FILE).read_text("utf-8")
    return set(re.findall(r'"command": "([\w-]+)"', module))


async def test_the_app_registers_exactly_the_commands_aide_lists(harness: BotHarness) -> None:
    [answer] = await harness.say("/aide")
    listed = set(re.findall(r"^- `/([\w-]+)`", answer.message.text, re.MULTILINE))
    assert "reunion" in listed
    assert _app_commands() == listed


def test_every_registered_command_has_its_description_and_hint_in_both_languages() -> None:
    for language, word in (("fr", "visioconférence"), ("en", "video meeting")):
        texts = json.loads((APP / "i18n" / f"{language}.json").read_text("utf-8"))
        for command in _app_commands():
            assert texts[f"command_{command}_description"]
            assert f"command_{command}_params" in texts
        assert word in texts["command_reunion_description"]
    french = json.loads((APP / "i18n" / "fr.json").read_text("utf-8"))
    assert french["command_reunion_params"].startswith("[sujet quand durée")


def test_a_stale_file_is_reported(tmp_path: Path) -> None:
    app_manifest.write(tmp_path)
    assert app_manifest.stale(tmp_path) == []
    (tmp_path / "i18n" / "en.json").write_text("{}\n", "utf-8")
    assert app_manifest.stale(tmp_path) == ["i18n/en.json"]
