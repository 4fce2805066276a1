"""The documented .env.example lists exactly the settings the bot reads."""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from composition.env_example import render


def test_env_example_is_up_to_date() -> None:
    # `make env-example` regenerates it after a settings change.
    assert (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8") == render()


def test_every_secret_is_documented_with_its_file_variant() -> None:
    text = render()
    for variable in ("ROCKETCHAT__TOKEN", "JITSI__APP_SECRET", "NEXTCLOUD__APP_PASSWORD"):
        assert f"ENSEMBLE_{variable}=\n" in text
    assert text.count("_FILE=/path") >= 5
