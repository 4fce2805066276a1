"""The `provision` subcommand's options, each also read from a PROVISION_… variable (so a
compose service can run it with no arguments). Kept apart from the run itself, whose HTTP
clients every other subcommand would otherwise import at start."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

JITSI_SECRET = "ENSEMBLE_JITSI__APP_SECRET"
JITSI_URL = "ENSEMBLE_JITSI__BASE_URL"


def _env(name: str, default: str | None = None) -> str | None:
    """PROVISION_<NAME>, or the content of the file named by PROVISION_<NAME>_FILE."""
    value = os.environ.get(f"PROVISION_{name}")
    if value:
        return value
    file = os.environ.get(f"PROVISION_{name}_FILE")
    if file:
        return Path(file).read_text("utf-8").strip()
    return default


def _list(name: str) -> list[str]:
    value = _env(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else []


def _flag(name: str) -> bool:
    return (_env(name) or "").lower() in ("1", "true", "yes", "on")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "provision",
        help="create the bot's accounts and tokens on each server and write the env file",
        description="Sets up the bot on the servers whose URL is given (each optional), as "
        "their administrator, and writes what it obtained to the env file. Running it again "
        "changes nothing. Administrator passwords come from PROVISION_ROCKETCHAT_ADMIN_PASSWORD, "
        "PROVISION_NEXTCLOUD_ADMIN_PASSWORD, PROVISION_WEKAN_ADMIN_PASSWORD (or *_FILE); every "
        "option may also be given as PROVISION_<OPTION> (e.g. PROVISION_ROCKETCHAT_URL).",
    )
    add = parser.add_argument
    add("--env-file", type=Path, default=Path(_env("ENV_FILE", "ensemble.env") or ""),
        help="the env file to update (created with mode 0600)")
    add("--show-secrets", action="store_true", default=_flag("SHOW_SECRETS"),
        help="also print the values written, secrets included")
    add("--bot-username", default=_env("BOT_USERNAME", "ensemble-bot"))
    add("--bot-name", default=_env("BOT_NAME", "ENSEMBLE"), help="the display name")
    add("--jitsi-url", default=_env("JITSI_URL"),
        help=f"the Jitsi server's public URL: written with {JITSI_SECRET}, generated when the "
        "env file has none (give the same secret to Jitsi's JWT_APP_SECRET)")
    chat = parser.add_argument_group("Rocket.Chat")
    chat.add_argument("--rocketchat-url", default=_env("ROCKETCHAT_URL"))
    chat.add_argument("--rocketchat-admin", default=_env("ROCKETCHAT_ADMIN", "admin"))
    chat.add_argument("--bot-avatar-url", default=_env("BOT_AVATAR_URL"))
    chat.add_argument("--bot-email", default=_env("BOT_EMAIL"),
                      help="the bot user's e-mail (default: <bot>@<the server's host name>)")
    chat.add_argument("--room", action="append", default=_list("ROOMS"),
                      help="a room the bot joins (repeatable)")
    chat.add_argument("--allow-unrecognized-slash-commands", action="store_true",
                      default=_flag("ALLOW_UNRECOGNIZED_SLASH_COMMANDS"),
                      help="turn Message_AllowUnrecognizedSlashCommand on")
    chat.add_argument("--post-readonly", action="store_true", default=_flag("POST_READONLY"),
                      help="grant post-readonly to the bot role")
    cloud = parser.add_argument_group("Nextcloud")
    cloud.add_argument("--nextcloud-url", default=_env("NEXTCLOUD_URL"))
    cloud.add_argument("--nextcloud-admin", default=_env("NEXTCLOUD_ADMIN", "admin"))
    cloud.add_argument("--nextcloud-group", action="append", default=_list("NEXTCLOUD_GROUPS"),
                       help="a group the bot joins, created if missing (repeatable)")
    board = parser.add_argument_group("Wekan")
    board.add_argument("--wekan-url", default=_env("WEKAN_URL"))
    board.add_argument("--wekan-admin", default=_env("WEKAN_ADMIN", "admin"))
    board.add_argument("--wekan-board", action="append", default=_list("WEKAN_BOARDS"),
                       help="a board (title or id) the bot joins, with its webhook (repeatable)")
    board.add_argument("--linked-boards", action="store_true", default=_flag("LINKED_BOARDS"),
                       help="also every board linked to a room in the bot's store "
                       "(ENSEMBLE_STORE__URL of the environment or the env file)")
    board.add_argument("--webhook-url", default=_env("WEBHOOK_URL"),
                       help="where Wekan reaches the bot: https://<bot>/hooks/wekan")
    parser.set_defaults(func=_provision)


def _provision(args: argparse.Namespace) -> int:
    from composition.provision.command import main  # noqa: PLC0415 - only this subcommand

    return main(args)
