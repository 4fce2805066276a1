"""The `provision` subcommand: options (each also read from a PROVISION_… variable, so a
compose service can run it with no arguments), the run over the servers asked for, the env
file and the summary."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from composition.provision.envfile import read_env, write_env
from composition.provision.linked import linked_boards
from composition.provision.nextcloud import Nextcloud, NextcloudTarget
from composition.provision.report import ProvisionError, Report
from composition.provision.rocketchat import RocketChat, RocketChatTarget
from composition.provision.wekan import Wekan, WekanTarget

EXIT_OK, EXIT_FAILED = 0, 1
JITSI_SECRET = "ENSEMBLE_JITSI__APP_SECRET"
JITSI_URL = "ENSEMBLE_JITSI__BASE_URL"
STORE_URL = "ENSEMBLE_STORE__URL"
Say = Callable[[str], None]


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
    parser.set_defaults(func=main)


def _password(service: str) -> str:
    name = f"{service}_ADMIN_PASSWORD"
    value = _env(name)
    if not value:
        raise ProvisionError(service.title(), f"PROVISION_{name} (or PROVISION_{name}_FILE) "
                             "is not set")
    return value


def _steps(args: argparse.Namespace, session: aiohttp.ClientSession, previous: dict[str, str],
           report: Report) -> list[Callable[[], Awaitable[None]]]:
    steps: list[Callable[[], Awaitable[None]]] = []
    if args.rocketchat_url:
        def chat() -> Awaitable[None]:
            return RocketChat(session, RocketChatTarget(
                url=args.rocketchat_url, admin_username=args.rocketchat_admin,
                admin_password=_password("ROCKETCHAT"), bot_username=args.bot_username,
                bot_name=args.bot_name, bot_email=args.bot_email,
                avatar_url=args.bot_avatar_url, rooms=args.room,
                allow_slash_commands=args.allow_unrecognized_slash_commands,
                post_readonly=args.post_readonly), previous, report).run()
        steps.append(chat)
    if args.nextcloud_url:
        def cloud() -> Awaitable[None]:
            return Nextcloud(session, NextcloudTarget(
                url=args.nextcloud_url, admin_username=args.nextcloud_admin,
                admin_password=_password("NEXTCLOUD"), bot_username=args.bot_username,
                bot_name=args.bot_name, groups=args.nextcloud_group), previous, report).run()
        steps.append(cloud)
    if args.wekan_url:
        def board() -> Awaitable[None]:
            return Wekan(session, WekanTarget(
                url=args.wekan_url, admin_username=args.wekan_admin,
                admin_password=_password("WEKAN"), bot_username=args.bot_username,
                boards=args.wekan_board, webhook_url=args.webhook_url), previous, report).run()
        steps.append(board)
    return steps


def _jitsi(args: argparse.Namespace, previous: dict[str, str], report: Report) -> None:
    if not args.jitsi_url:
        return
    report.set(JITSI_URL, args.jitsi_url)
    secret = previous.get(JITSI_SECRET, "")
    if len(secret.encode()) >= 32:
        report.found("Jitsi", f"{JITSI_SECRET} is set")
    else:
        secret = secrets.token_urlsafe(48)
        report.did("Jitsi", f"generated {JITSI_SECRET}")
    report.set(JITSI_SECRET, secret, secret=True)


async def _add_linked_boards(args: argparse.Namespace, previous: dict[str, str],
                             report: Report) -> None:
    store = os.environ.get(STORE_URL) or previous.get(STORE_URL)
    if not (args.wekan_url and args.linked_boards):
        return
    if not store:
        report.note("Wekan", f"--linked-boards: no {STORE_URL} in the environment or the env "
                    "file, so no linked board")
        return
    linked = await linked_boards(store)
    args.wekan_board = [*args.wekan_board, *(b for b in linked if b not in args.wekan_board)]
    report.note("Wekan", f"{len(linked)} board(s) linked to rooms in the bot's store")


async def provision(args: argparse.Namespace) -> Report:
    previous = {**read_env(args.env_file)}
    report = Report()
    _jitsi(args, previous, report)
    await _add_linked_boards(args, previous, report)
    async with aiohttp.ClientSession() as session:
        for step in _steps(args, session, previous, report):
            try:
                await step()
            except ProvisionError as error:
                report.errors.append(str(error))
    if report.values and write_env(args.env_file, report.values):
        report.did("env file", f"wrote {len(report.values)} values to {args.env_file} "
                   "(mode 0600)")
    return report


def main(args: argparse.Namespace, say: Say = print) -> int:
    if not (args.rocketchat_url or args.nextcloud_url or args.wekan_url or args.jitsi_url):
        say("provision: nothing asked; give --rocketchat-url, --nextcloud-url or --wekan-url "
            "(or PROVISION_…_URL)")
        return EXIT_FAILED
    report = asyncio.run(provision(args))
    for line in report.lines(show_secrets=args.show_secrets):
        say(line)
    return EXIT_FAILED if report.errors else EXIT_OK
