"""The real `ensemble-bot` executable: console in both languages, check-config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXECUTABLE = Path(sys.executable).parent / "ensemble-bot"


def _run(args: list[str], stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    return subprocess.run(
        [str(EXECUTABLE), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
        check=False,
    )


def test_console_prints_help_in_french_then_exits() -> None:
    result = _run(["console"], "/aide\n")
    assert result.returncode == 0, result.stderr
    assert "**Ce que je sais faire**" in result.stdout
    assert "`/langue` · /lang · /language: Choisir la langue" in result.stdout


def test_console_switches_to_english() -> None:
    result = _run(["console"], "/langue en\n/help\n")
    assert result.returncode == 0, result.stderr
    assert "From now on I will answer you in English." in result.stdout
    assert "**What I can do**" in result.stdout


def test_console_answers_bad_input_with_usage() -> None:
    result = _run(["console"], "/langue klingon\n")
    assert "Langue non prise en charge : klingon" in result.stdout
    assert "Utilisation : `/langue <langue>`" in result.stdout


def test_console_with_a_kept_store_answers_in_every_session(tmp_path: Path) -> None:
    store = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    for session in ("first", "second"):
        result = _run(["console", "--persist"], "/aide\n", ENSEMBLE_STORE__URL=store)
        assert result.returncode == 0, result.stderr
        assert "**Ce que je sais faire**" in result.stdout, session


def test_console_answers_every_piped_command() -> None:
    result = _run(["console"], "/langue fr\n" * 30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Désormais, je vous réponds en français.") == 30
    assert "trop vite" not in result.stdout


def test_demo_answers_every_piped_command() -> None:
    result = _run(["demo"], "!langue fr\n" * 25)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Désormais, je vous réponds en français.") == 25
    assert "trop vite" not in result.stdout


def test_console_points_a_sentence_to_aide_and_runs_a_bare_command_name() -> None:
    result = _run(["console"], "bonjour, tu peux m'aider ?\naide\n/bonjour\n")
    assert result.returncode == 0, result.stderr
    assert "Je réponds à des commandes plutôt qu’à des phrases" in result.stdout
    assert "**Ce que je sais faire**" in result.stdout
    assert result.stdout.count("Commande inconnue") == 1  # the typed /bonjour only


def test_check_config_names_the_invalid_variable() -> None:
    result = _run(["check-config"], ENSEMBLE_STORE__URL="nonsense")
    assert result.returncode == 1
    assert "ENSEMBLE_STORE__URL" in result.stderr
    assert "SQLAlchemy URL of the store" in result.stderr


def test_check_config_prints_the_effective_config_without_secrets(tmp_path: Path) -> None:
    secret_file = tmp_path / "token"
    secret_file.write_text("pat-very-secret-token\n")
    result = _run(
        ["check-config"],
        ENSEMBLE_ROCKETCHAT__URL="https://chat.example.org",
        ENSEMBLE_ROCKETCHAT__TOKEN_FILE=str(secret_file),
        ENSEMBLE_TIMEZONE="Europe/Paris",
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["rocketchat"]["url"] == "https://chat.example.org/"
    assert config["rocketchat"]["token"] == "**********"
    assert "pat-very-secret-token" not in result.stdout


def test_check_config_reports_an_unreadable_secret_file() -> None:
    result = _run(["check-config"], ENSEMBLE_JITSI__APP_SECRET_FILE="/nonexistent/secret")
    assert result.returncode == 1
    assert "ENSEMBLE_JITSI__APP_SECRET_FILE" in result.stderr


def test_run_with_an_unreachable_store_exits_1_naming_the_variable() -> None:
    result = _run(
        ["run"],
        ENSEMBLE_ROCKETCHAT__URL="http://127.0.0.1:9",
        ENSEMBLE_ROCKETCHAT__USER_ID="bot",
        ENSEMBLE_ROCKETCHAT__TOKEN="token-value",
        ENSEMBLE_STORE__URL="postgresql+asyncpg://nobody:s3cret-pw@127.0.0.1:9/none",
        ENSEMBLE_HTTP__PORT="0",
    )
    assert result.returncode == 1
    assert "ENSEMBLE_STORE__URL" in result.stderr
    assert "s3cret-pw" not in result.stderr and "Traceback" not in result.stderr


def test_run_without_rocketchat_settings_names_them() -> None:
    result = _run(["run"])
    assert result.returncode == 1
    assert "ENSEMBLE_ROCKETCHAT__URL" in result.stderr


def test_check_config_hides_the_password_of_the_store_url() -> None:
    result = _run(
        ["check-config"], ENSEMBLE_STORE__URL="postgresql+asyncpg://bot:S3cretPassw0rd@db/ensemble"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["store"]["url"] == "postgresql+asyncpg://bot:***@db/ensemble"
    assert "S3cretPassw0rd" not in result.stdout + result.stderr


def test_check_config_refuses_short_secrets_naming_them_not_showing_them() -> None:
    result = _run(
        ["check-config"],
        ENSEMBLE_JITSI__BASE_URL="https://visio.example.org",
        ENSEMBLE_JITSI__APP_SECRET="abcde",
        ENSEMBLE_WEKAN__URL="https://wekan.example.org",
        ENSEMBLE_WEKAN__USERNAME="ensemble-bot",
        ENSEMBLE_WEKAN__PASSWORD="wekan-password",
        ENSEMBLE_WEKAN__WEBHOOK_TOKEN="z",
    )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "ENSEMBLE_JITSI__APP_SECRET",
        "ENSEMBLE_WEKAN__WEBHOOK_TOKEN",
    ]
    assert lines[0].endswith("(Shared HS256 secret of Prosody)")
    assert lines[1].endswith("(Secret expected in X-Wekan-Token on incoming webhooks)")
    assert "abcde" not in result.stderr and result.stdout == ""


def test_check_config_refuses_a_half_configured_nextcloud() -> None:
    result = _run(["check-config"], ENSEMBLE_NEXTCLOUD__URL="https://cloud.example.org")
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [
        "ENSEMBLE_NEXTCLOUD__USERNAME",
        "ENSEMBLE_NEXTCLOUD__APP_PASSWORD",
    ]
