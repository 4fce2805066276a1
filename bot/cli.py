"""`ensemble-bot`: run, console, check-config, sandbox, demo."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.engine import make_url

from bot.config import InvalidSetting, Settings, env_name, field_description
from bot.logs import Redactor, configure_logging
from bot.secret_files import SecretFileError

EXIT_OK, EXIT_INVALID = 0, 1


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
    return None


def _explain(error: ErrorDetails) -> list[str]:
    """One line per variable to fix: its name, what is wrong, what it is for."""
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, InvalidSetting):
        problems = [(location, cause.reason) for location in cause.locations]
    else:
        reason = error["msg"].removeprefix("Value error, ")
        problems = [(tuple(str(part) for part in error["loc"]), reason)]
    return [
        f"{env_name(location)}: {reason} ({field_description(location)})"
        for location, reason in problems
    ]


def redacted_view(settings: Settings) -> dict[str, Any]:
    """The effective settings, secrets masked (SecretStr) and the store URL's password hidden."""
    view: dict[str, Any] = settings.model_dump(mode="json")
    if settings.store.url is not None:
        view["store"]["url"] = make_url(settings.store.url).render_as_string(hide_password=True)
    return view


def _check_config(_args: argparse.Namespace) -> int:
    settings = load_settings()
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
    from bot.console import run_console  # noqa: PLC0415 - only this subcommand needs it

    settings = load_settings()
    if settings is None:
        return EXIT_INVALID
    _setup_logging(
        settings.model_copy(update={"log": settings.log.model_copy(update={"level": "WARNING"})})
    )
    return asyncio.run(run_console(settings, persist=args.persist))


def _run(_args: argparse.Namespace) -> int:
    from bot.service import missing_chat_settings, run_service  # noqa: PLC0415 - only here

    settings = load_settings()
    if settings is None:
        return EXIT_INVALID
    missing = missing_chat_settings(settings)
    if missing:
        print(f"missing: {', '.join(missing)} (the Rocket.Chat bot account)", file=sys.stderr)
        return EXIT_INVALID
    _setup_logging(settings)
    return asyncio.run(run_service(settings))


def _delegate(module: str) -> Any:
    def call(args: argparse.Namespace) -> int:
        # The sandbox is demo wiring, loaded only on demand so the core never depends on it.
        entry = import_module(module)
        result: int = entry.main(args)
        return result

    return call


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
    sandbox = commands.add_parser("sandbox", help="start the simulated servers")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=0, help="first port (0 = any free ports)")
    sandbox.set_defaults(func=_delegate("sandbox.cli"))
    demo = commands.add_parser("demo", help="the sandbox, the bot and a chat client here")
    demo.add_argument("--user", default="marie", help="the seeded agent you chat as")
    demo.add_argument("--room", default="equipe-projet", help="the seeded room you chat in")
    demo.set_defaults(func=_delegate("sandbox.demo"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return EXIT_OK
    return code


if __name__ == "__main__":
    sys.exit(main())
