"""`ensemble-bot`: run, console, check-config, provision."""

from __future__ import annotations

import argparse
import asyncio
import errno
import gc
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import SettingsError
from sqlalchemy.engine import make_url

from bot.config import (
    LIST_FORM,
    InvalidSetting,
    StoreSettings,
    env_name,
    field_description,
)
from bot.logs import Redactor, configure_logging
from bot.secret_files import SecretFileError
from composition.provision import options as provision
from composition.settings import EnsembleSettings as Settings

EXIT_OK, EXIT_INVALID = 0, 1
# What `run` needs beyond valid settings: the bot account on Rocket.Chat.
CHAT_ACCOUNT = ("url", "user_id", "token")
STORE_URL = env_name(("store", "url"))


def _describe(location: tuple[int | str, ...]) -> str:
    return field_description(location, Settings)


def load_settings() -> Settings | None:
    """The settings, or None after explaining on stderr what is wrong and what it is for."""
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            for line in _explain(error):
                print(line, file=sys.stderr)
    except SecretFileError as exc:
        print(str(exc), file=sys.stderr)
    except SettingsError as exc:
        print(_unreadable(exc), file=sys.stderr)
    return None


def _unreadable(error: SettingsError) -> str:
    """A value pydantic-settings could not even decode, named with the form it expects."""
    found = re.search(r'field "([^"]+)"', str(error))
    if found is None:
        return f"settings: {error}"
    name = found.group(1)
    annotation = Settings.model_fields[name].annotation if name in Settings.model_fields else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        form = f"expected a JSON object, or one {env_name((name,))}__<FIELD> variable per setting"
    elif get_origin(annotation) in (list, set, tuple):
        form = LIST_FORM
    else:
        form = "not a valid value"
    return f"{env_name((name,))}: {form} ({_describe((name,))})"


def _explain(error: ErrorDetails) -> list[str]:
    """One line per variable to fix: its name, what is wrong, what it is for."""
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, InvalidSetting):
        problems = [(location, cause.reason) for location in cause.locations]
    else:
        reason = error["msg"].removeprefix("Value error, ")
        items = [part + 1 for part in error["loc"] if isinstance(part, int)]
        if items:  # inside a list: which item, since the variable holds them all
            reason = f"item {items[-1]}: {reason}"
        problems = [(tuple(part for part in error["loc"] if isinstance(part, str)), reason)]
    return [
        f"{env_name(location)}: {reason} ({_describe(location)})"
        for location, reason in problems
    ]


def redacted_view(settings: Settings) -> dict[str, Any]:
    """The effective settings, secrets masked (SecretStr) and the store URL's password hidden."""
    view: dict[str, Any] = settings.model_dump(mode="json")
    if settings.store.url is not None:
        view["store"]["url"] = make_url(settings.store.url).render_as_string(hide_password=True)
    return view


def run_problems(settings: Settings) -> list[str]:
    """What stops `run` once the settings are valid, one line per variable to fix.

    `run` and `check-config` both call this, so that a configuration check-config accepts
    is one `run` starts with."""
    chat = settings.rocketchat
    missing = [field for field in CHAT_ACCOUNT if getattr(chat, field) is None]
    problems = [
        f"{env_name(('rocketchat', field))}: missing; `run` connects to Rocket.Chat with the "
        f"bot account's URL, user id and token ({_describe(('rocketchat', field))})"
        for field in missing
    ]
    store = store_problem(settings.store)
    return problems if store is None else [*problems, store]


def store_problem(store: StoreSettings) -> str | None:
    """Why the SQLite store could not be created where the settings put it, if it could not."""
    file = store.sqlite_file
    if file is None:
        return None
    try:
        _check_writable(file)
    except OSError as exc:
        return unwritable_store(store, file, exc)
    return None


def _check_writable(file: Path) -> None:
    """Raises what creating the file (and its folders) would raise, without creating anything."""
    file = file.absolute()
    if file.exists():
        # SQLite in WAL mode also writes <file>-wal and <file>-shm next to the file.
        targets = [file.parent, file]
    else:
        folder = file.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # the nearest existing folder is where mkdir would write
        targets = [folder]
    if not targets[0].is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(targets[0]))
    for path in targets:
        if not os.access(path, os.W_OK | (os.X_OK if path.is_dir() else 0)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))


def unwritable_store(store: StoreSettings, file: Path, error: OSError) -> str:
    """The error an operator reads for a store that cannot be written: the variable, the file,
    the folder at fault and the way out; never a traceback."""
    where = error.filename or file.parent
    default = " (the default while it is unset)" if store.url is None else ""
    return (
        f"{STORE_URL}: cannot create the SQLite store {file.absolute()}{default}: {where}: "
        f"{error.strerror or type(error).__name__}; set {STORE_URL} to a file in a writable "
        "folder (sqlite+aiosqlite:////data/ensemble.db) or to PostgreSQL "
        "(postgresql+asyncpg://user@host/db)"
    )


def load_settings_for_run() -> Settings | None:
    """The settings `run` starts with, or None after saying on stderr what to fix."""
    settings = load_settings()
    if settings is None:
        return None
    problems = run_problems(settings)
    for line in problems:
        print(line, file=sys.stderr)
    return None if problems else settings


def _check_config(_args: argparse.Namespace) -> int:
    settings = load_settings_for_run()
    if settings is None:
        return EXIT_INVALID
    print(json.dumps(redacted_view(settings), indent=2, ensure_ascii=False))
    return EXIT_OK


def _setup_logging(settings: Settings) -> None:
    redactor = Redactor(
        secret.get_secret_value()
        for secret in (
            settings.rocketchat.token,
            settings.jitsi.app_secret,
            settings.nextcloud.app_password,
            settings.wekan.password,
            settings.wekan.webhook_token,
        )
        if secret is not None
    )
    store_password = make_url(settings.store.effective_url).password
    if store_password:
        redactor.add_secret(str(store_password))
    configure_logging(settings.log.format, settings.log.level, redactor)


def _console(args: argparse.Namespace) -> int:
    from composition.console import run_console  # noqa: PLC0415 - only this subcommand needs it

    settings = load_settings()
    if settings is None:
        return EXIT_INVALID
    _setup_logging(
        settings.model_copy(update={"log": settings.log.model_copy(update={"level": "WARNING"})})
    )
    return asyncio.run(run_console(settings, persist=args.persist))


def _run(_args: argparse.Namespace) -> int:
    from composition.service import run_service  # noqa: PLC0415 - only this subcommand needs it

    settings = load_settings_for_run()
    if settings is None:
        return EXIT_INVALID
    _setup_logging(settings)
    return asyncio.run(run_service(settings))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ensemble-bot", description="ENSEMBLE Rocket.Chat bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="connect to the Rocket.Chat of the settings").set_defaults(
        func=_run
    )
    console = commands.add_parser("console", help="talk to the bot from this terminal")
    console.add_argument("--persist", action="store_true", help="use the configured store")
    console.set_defaults(func=_console)
    commands.add_parser("check-config", help="validate and print the configuration").set_defaults(
        func=_check_config
    )
    provision.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return EXIT_OK
    return code


def program() -> int:
    """`ensemble-bot` as a process: `main`, then the objects alive at that point are frozen
    so that the interpreter's collections at exit skip them. Those walked every object the
    imports made (60 ms of the console's 450, measured), to free memory the process is about
    to give back whole; the subcommands have closed what they opened. Not in `main`, which
    tests call in their own process."""
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(program())
