"""The `provision` subcommand: the run over the servers asked for, the env file and the
summary (its options are in options.py)."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
from collections.abc import Awaitable, Callable

import aiohttp

from composition.provision.envfile import read_env, write_env
from composition.provision.linked import linked_boards
from composition.provision.nextcloud import Nextcloud, NextcloudTarget
from composition.provision.options import JITSI_SECRET, JITSI_URL, _env
from composition.provision.report import ProvisionError, Report
from composition.provision.rocketchat import RocketChat, RocketChatTarget
from composition.provision.wekan import Wekan, WekanTarget

EXIT_OK, EXIT_FAILED = 0, 1
STORE_URL = "ENSEMBLE_STORE__URL"
Say = Callable[[str], None]


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
