"""PLANIFIONS as a slice: /kanban, /tache, /taches, the board tables, the inbox and the poller.

Wekan's webhook endpoint is an adapter (integrations/wekan/webhook.py): the composition root
mounts it and hands its events to the `EventInbox` this feature provides.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.feature import Feature
from bot.ports.boards import BOARD_PORT, BoardEvent
from bot.runtime import Runtime
from commands.kanban.handlers import router
from commands.kanban.inbox import EventInbox
from commands.kanban.settings import BoardSettings
from commands.kanban.store import BoardEventLog, BoardInbox, BoardLinks, BoardSnapshots
from commands.kanban.watch import BoardWatch

SEEN_RETENTION = timedelta(days=2)
INBOX_ROUND_SECONDS = 5  # events a standby accepted wait at most this long for the leader


async def _ignore(_event: BoardEvent) -> None:
    """Wekan is not configured: an authenticated event has nowhere to go."""


async def install(runtime: Runtime) -> None:
    database = runtime.database
    links, snapshots = BoardLinks(database), BoardSnapshots(database)
    seen = BoardEventLog(database)
    runtime.provide(BoardLinks, links)
    runtime.provide(BoardSnapshots, snapshots)
    runtime.provide(BoardEventLog, seen)
    inbox = EventInbox(BoardInbox(database), _ignore, leading=lambda: runtime.scheduler.running)
    runtime.provide(EventInbox, inbox)
    runtime.scheduler.every("wekan-inbox", INBOX_ROUND_SECONDS, inbox.drain)

    async def prune() -> None:
        await seen.forget_older_than(SEEN_RETENTION)

    runtime.scheduler.every("wekan-events-prune", 3600, prune)
    runtime.on_stop.append(inbox.close)
    boards = runtime.services.optional(BOARD_PORT)
    if boards is None:
        return
    watch = BoardWatch(
        boards=boards, links=links, snapshots=snapshots, seen=seen, chat=runtime.chat,
        catalogs=runtime.catalogs, settings=runtime.settings, clock=runtime.clock,
    )
    runtime.provide(BoardWatch, watch)
    inbox.handle = watch.on_webhook
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
