"""Settings refuse at start what would otherwise fail later or silently switch a service off."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from composition.cli import load_settings
from composition.settings import EnsembleSettings as Settings

LONG_JITSI_SECRET = "j" * 32
WEKAN_TOKEN = "0123456789abcdef01234567"  # 24 characters
Problems = Callable[..., list[tuple[str, str]]]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [n for n in os.environ if n.startswith("ENSEMBLE_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


@pytest.fixture
def problems(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Problems:
    """(variable, explanation) for each line the operator reads when the settings are refused."""

    def load(**env: str) -> list[tuple[str, str]]:
        with monkeypatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            settings = load_settings()
        lines = capsys.readouterr().err.splitlines()
        assert (settings is None) == bool(lines)
        return [(line.split(": ", 1)[0], line.split(": ", 1)[1]) for line in lines]

    return load


def test_public_links_get_a_password_unless_the_operator_says_otherwise() -> None:
    assert Settings().nextcloud.link_password_by_default is True


def test_a_short_jitsi_secret_is_refused_without_being_shown(problems: Problems) -> None:
    found = problems(
        ENSEMBLE_JITSI__BASE_URL="https://visio.example.org", ENSEMBLE_JITSI__APP_SECRET="abcde"
    )
    assert len(found) == 1
    variable, explanation = found[0]
    assert variable == "ENSEMBLE_JITSI__APP_SECRET"
    assert "at least 32" in explanation and "Shared HS256 secret of Prosody" in explanation
    assert "abcde" not in explanation


def test_a_32_byte_jitsi_secret_is_accepted(problems: Problems) -> None:
    assert not problems(
        ENSEMBLE_JITSI__BASE_URL="https://visio.example.org",
        ENSEMBLE_JITSI__APP_SECRET=LONG_JITSI_SECRET,
    )


def test_a_short_wekan_webhook_token_is_refused(problems: Problems) -> None:
    found = problems(ENSEMBLE_WEKAN__WEBHOOK_TOKEN="x" * 23, **wekan_account())
    assert [variable for variable, _ in found] == ["ENSEMBLE_WEKAN__WEBHOOK_TOKEN"]
    assert "X-Wekan-Token" in found[0][1] and "x" * 23 not in found[0][1]
    assert not problems(ENSEMBLE_WEKAN__WEBHOOK_TOKEN=WEKAN_TOKEN, **wekan_account())


def test_a_nextcloud_url_without_its_account_names_what_is_missing(problems: Problems) -> None:
    found = problems(ENSEMBLE_NEXTCLOUD__URL="https://cloud.example.org")
    assert [variable for variable, _ in found] == [
        "ENSEMBLE_NEXTCLOUD__USERNAME",
        "ENSEMBLE_NEXTCLOUD__APP_PASSWORD",
    ]
    assert "ENSEMBLE_NEXTCLOUD__URL is set" in found[0][1]
    assert found[1][1].endswith("(App password of that account)")


def test_a_wekan_account_without_its_password_is_refused(problems: Problems) -> None:
    account = wekan_account()
    del account["ENSEMBLE_WEKAN__PASSWORD"]
    assert [variable for variable, _ in problems(**account)] == ["ENSEMBLE_WEKAN__PASSWORD"]


def test_a_wekan_webhook_token_alone_is_a_half_configured_wekan(problems: Problems) -> None:
    found = problems(ENSEMBLE_WEKAN__WEBHOOK_TOKEN=WEKAN_TOKEN)
    assert [variable for variable, _ in found] == [
        "ENSEMBLE_WEKAN__URL",
        "ENSEMBLE_WEKAN__USERNAME",
        "ENSEMBLE_WEKAN__PASSWORD",
    ]


def test_a_jitsi_secret_without_the_server_url_is_refused(problems: Problems) -> None:
    found = problems(ENSEMBLE_JITSI__APP_SECRET=LONG_JITSI_SECRET)
    assert [variable for variable, _ in found] == ["ENSEMBLE_JITSI__BASE_URL"]


def test_an_untouched_copy_of_env_example_starts_with_every_service_off(
    problems: Problems, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text((PROJECT_ROOT / ".env.example").read_text("utf-8"), "utf-8")
    assert not problems()
    settings = Settings()
    assert settings.jitsi.base_url is None and settings.jitsi.app_secret is None
    assert settings.nextcloud.url is None and settings.wekan.webhook_token is None
    assert settings.locales_dir is None  # the catalogs shipped in the package
    assert settings.crisis_roles == ["admin", "crise"]  # written `admin,crise` in the example


def wekan_account() -> dict[str, str]:
    return {
        "ENSEMBLE_WEKAN__URL": "https://wekan.example.org",
        "ENSEMBLE_WEKAN__USERNAME": "ensemble-bot",
        "ENSEMBLE_WEKAN__PASSWORD": "wekan-password",
    }


def test_a_locales_folder_that_is_set_must_exist_and_be_complete(
    problems: Problems, tmp_path: Path
) -> None:
    found = problems(ENSEMBLE_LOCALES_DIR=str(tmp_path / "nowhere"))
    assert [variable for variable, _ in found] == ["ENSEMBLE_LOCALES_DIR"]
    assert "is not a folder" in found[0][1]
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    found = problems(ENSEMBLE_LOCALES_DIR=str(tmp_path))
    assert [variable for variable, _ in found] == ["ENSEMBLE_LOCALES_DIR"]
    assert "fr/LC_MESSAGES/core.po" in found[0][1] and "en/LC_MESSAGES/core.po" in found[0][1]
    assert not problems(ENSEMBLE_LOCALES_DIR=str(PROJECT_ROOT / "locales"))
