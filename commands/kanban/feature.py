"""PLANIFIONS as a slice: /kanban, /tache, /taches, the board tables, the inbox and the poller.

Wekan's webhook endpoint is an adapter (integrations/wekan/webhook.py): the composition root
mounts it and hands its events to the `EventInbox` this feature provides.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.digest import DigestSections
from bot.events import BoardChanged
from bot.feature import Feature
from bot.ports.boards import BOARD_PORT, ROOM_BOARD_LINKS
from bot.routing import Router
from bot.runtime import Runtime
from commands.kanban.digest import CardsSection
from commands.kanban.handlers import router
from commands.kanban.inbox import EventInbox
from commands.kanban.settings import BoardSettings
from commands.kanban.store import (
    Assignments,
    BoardInbox,
    BoardLinks,
    BoardSnapshots,
    ToldEvents,
)
from commands.kanban.watch import BoardWatch

# Longer than any digest looks back (a weekly one, plus a missed week).
TOLD_RETENTION = timedelta(days=15)
# The leader works through the inbox as soon as Wekan's call reaches it; these rounds are the
# safety net for the rest: events a standby accepted (only a store shared by replicas,
# PostgreSQL, has standbys: they wait at most this long for the leader), and events whose
# handling failed, retried on the next round.
INBOX_ROUND_SECONDS = 5
INBOX_SAFETY_ROUND_SECONDS = 60  # a store of one process: only retries are left to it


async def install(runtime: Runtime) -> None:
    database = runtime.database
    links, snapshots = BoardLinks(database), BoardSnapshots(database)
    runtime.provide(BoardLinks, links)
    runtime.provide(ROOM_BOARD_LINKS, links)  # for a slice that makes its own boards (/crise)
    runtime.provide(BoardSnapshots, snapshots)
    # Accepted events go through the pipeline (dedupe, audit, metrics, errors) on the leader.
    inbox = EventInbox(
        BoardInbox(database), runtime.pipeline, leading=lambda: runtime.scheduler.running,
        backlog=runtime.metrics.webhook_backlog.set,
    )
    runtime.provide(EventInbox, inbox)
    shared = database.dialect == "postgresql"
    rounds = INBOX_ROUND_SECONDS if shared else INBOX_SAFETY_ROUND_SECONDS
    runtime.scheduler.every("wekan-inbox", rounds, inbox.drain)
    runtime.on_stop.append(inbox.close)
    boards = runtime.services.optional(BOARD_PORT)
    if boards is None:
        return
    told = ToldEvents(database)
    watch = BoardWatch(
        boards=boards, links=links, snapshots=snapshots, chat=runtime.chat,
        catalogs=runtime.catalogs, settings=runtime.settings, clock=runtime.clock, told=told,
    )
    runtime.provide(BoardWatch, watch)
    runtime.services.get(DigestSections).add(
        CardsSection(boards, links, told, Assignments(database)))

    async def prune_told() -> None:
        await told.forget_older_than(runtime.clock.now() - TOLD_RETENTION)

    runtime.scheduler.every("wekan-told-prune", 3600, prune_told)
    board_events = Router()  # per application: the watch is this application's
    board_events.on(BoardChanged)(watch.on_board_changed)
    runtime.routers.append(board_events)
    polling = runtime.services.get(BoardSettings)
    if polling.polling:
        runtime.scheduler.every("wekan-poll", polling.poll_interval_seconds, watch.poll_all)


feature = Feature(
    name="boards",
    routers=[router],
    migrations=Path(__file__).resolve().parent / "migrations",
    install=install,
    needs=[BOARD_PORT],
    settings=BoardSettings,
    settings_section="wekan",
)
