"""The real `ensemble-bot` executable: console in both languages, check-config; and the
sandbox's own `ensemble-sandbox` (demo, serve), which `ensemble-bot` no longer offers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from bot.config import PROJECT_ROOT

EXECUTABLE = Path(sys.executable).parent / "ensemble-bot"
SANDBOX = Path(sys.executable).parent / "ensemble-sandbox"


CHAT_ACCOUNT = {
    "ENSEMBLE_ROCKETCHAT__URL": "http://127.0.0.1:9",
    "ENSEMBLE_ROCKETCHAT__USER_ID": "bot",
    "ENSEMBLE_ROCKETCHAT__TOKEN": "token-value",
}


def _run(
    args: list[str], stdin: str = "", cwd: Path | None = None, executable: Path = EXECUTABLE,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    return subprocess.run(
        [str(executable), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, **env},
        cwd=cwd,
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
    assert "Langue non prise en charge\u202f: klingon" in result.stdout
    assert "Utilisation\u202f: `/langue <langue>`" in result.stdout


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
    result = _run(["demo"], "!langue fr\n" * 25, executable=SANDBOX)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Désormais, je vous réponds en français.") == 25
    assert "trop vite" not in result.stdout


def test_the_sandbox_serves_until_stopped_and_prints_how_to_reach_it() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    with subprocess.Popen(
        [str(SANDBOX), "serve"], stdout=subprocess.PIPE, text=True, env=clean
    ) as process:
        assert process.stdout is not None
        described = json.loads(process.stdout.readline())
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert set(described) >= {"rocketchat", "nextcloud", "wekan", "env"}
    assert described["env"]["ENSEMBLE_ROCKETCHAT__URL"] == described["rocketchat"]["url"]


def test_the_bot_offers_no_sandbox_command() -> None:
    """The simulators are another distribution: the bot's own executable never loads them."""
    for command in ("demo", "sandbox"):
        result = _run([command])
        assert result.returncode == 2, command
        assert "invalid choice" in result.stderr, command


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
        ENSEMBLE_ROCKETCHAT__USER_ID="bot",
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
        ["check-config"],
        ENSEMBLE_STORE__URL="postgresql+asyncpg://bot:S3cretPassw0rd@db/ensemble",
        **CHAT_ACCOUNT,
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


def _one_line_error(result: subprocess.CompletedProcess[str], variable: str) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{variable}: "), result.stderr
    return lines[0]


def test_check_config_refuses_what_run_refuses_with_the_same_words(tmp_path: Path) -> None:
    only_url = {"ENSEMBLE_ROCKETCHAT__URL": "https://chat.example.org"}
    checked = _run(["check-config"], cwd=tmp_path, **only_url)
    ran = _run(["run"], cwd=tmp_path, ENSEMBLE_HTTP__PORT="0", **only_url)
    assert checked.returncode == ran.returncode == 1
    assert [line.split(":")[0] for line in checked.stderr.splitlines()] == [
        "ENSEMBLE_ROCKETCHAT__USER_ID",
        "ENSEMBLE_ROCKETCHAT__TOKEN",
    ]
    assert checked.stderr == ran.stderr and checked.stdout == ""


def test_check_config_accepts_the_chat_account_run_needs(tmp_path: Path) -> None:
    result = _run(["check-config"], cwd=tmp_path, **CHAT_ACCOUNT)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rocketchat"]["user_id"] == "bot"
    assert not (tmp_path / "data").exists()  # checking creates nothing


def test_list_settings_take_commas_or_json(tmp_path: Path) -> None:
    result = _run(
        ["check-config"],
        cwd=tmp_path,
        ENSEMBLE_CRISIS_ROLES="admin,crise",
        ENSEMBLE_ADMIN_ROLES='["admin", "dsi"]',
        **CHAT_ACCOUNT,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["crisis_roles"] == ["admin", "crise"]
    assert config["admin_roles"] == ["admin", "dsi"]


def test_a_bad_list_is_one_line_without_traceback_for_check_config_and_run(
    tmp_path: Path,
) -> None:
    for command in (["check-config"], ["run"]):
        result = _run(command, cwd=tmp_path, ENSEMBLE_CRISIS_ROLES='["admin", crise]')
        line = _one_line_error(result, "ENSEMBLE_CRISIS_ROLES")
        assert "comma-separated values (a,b) or a JSON list" in line


def test_a_section_that_is_not_json_is_one_line_without_traceback(tmp_path: Path) -> None:
    result = _run(["run"], cwd=tmp_path, ENSEMBLE_WEKAN="{url: x}")
    assert "expected a JSON object" in _one_line_error(result, "ENSEMBLE_WEKAN")


def test_a_store_folder_that_cannot_be_created_names_the_variable_and_the_folder(
    tmp_path: Path,
) -> None:
    # `data` is a regular file, so the default store's folder cannot be created, even by root
    # (what a non-root user meets in a folder it may not write: tests/bot/test_config_store.py).
    (tmp_path / "data").write_text("not a folder")
    for command in (["check-config"], ["run"]):
        result = _run(command, cwd=tmp_path, ENSEMBLE_HTTP__PORT="0", **CHAT_ACCOUNT)
        line = _one_line_error(result, "ENSEMBLE_STORE__URL")
        assert f"SQLite store {tmp_path / 'data' / 'ensemble.db'} (the default" in line
        assert f"{tmp_path / 'data'}: Not a directory" in line


def test_a_locales_folder_that_is_missing_or_incomplete_stops_the_start(tmp_path: Path) -> None:
    incomplete = tmp_path / "locales"
    shutil.copytree(PROJECT_ROOT / "locales", incomplete)
    (incomplete / "en" / "LC_MESSAGES" / "kanban.po").unlink()
    for command in (["check-config"], ["run"]):
        result = _run(command, cwd=tmp_path, ENSEMBLE_LOCALES_DIR=str(incomplete), **CHAT_ACCOUNT)
        line = _one_line_error(result, "ENSEMBLE_LOCALES_DIR")
        assert "lacks en/LC_MESSAGES/kanban.po;" in line
    shutil.rmtree(incomplete / "fr")
    result = _run(["run"], cwd=tmp_path, ENSEMBLE_LOCALES_DIR=str(incomplete), **CHAT_ACCOUNT)
    assert "fr/LC_MESSAGES/core.po" in _one_line_error(result, "ENSEMBLE_LOCALES_DIR")
    result = _run(["run"], cwd=tmp_path, ENSEMBLE_LOCALES_DIR=str(tmp_path / "nowhere"))
    assert "is not a folder" in _one_line_error(result, "ENSEMBLE_LOCALES_DIR")


def test_a_complete_locales_folder_replaces_the_shipped_catalogs(tmp_path: Path) -> None:
    custom = tmp_path / "locales"
    shutil.copytree(PROJECT_ROOT / "locales", custom)
    catalog = custom / "fr" / "LC_MESSAGES" / "core.po"
    lines = catalog.read_text("utf-8").splitlines()
    lines[lines.index('msgid "Usage:"') + 1] = 'msgstr "Usage local :"'
    catalog.write_text("\n".join(lines) + "\n", "utf-8")
    result = _run(["console"], "/langue klingon\n", cwd=tmp_path, ENSEMBLE_LOCALES_DIR=str(custom))
    assert "Usage local : `/langue <langue>`" in result.stdout, result.stdout + result.stderr
