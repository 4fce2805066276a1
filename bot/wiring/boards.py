"""PLANIFIONS: /kanban, /tache, /taches, the Wekan webhook endpoint and the board poller."""

from __future__ import annotations

from datetime import timedelta

from bot.events import BoardChanged
from bot.ports.boards import BOARD_PORT
from bot.routing import Router
from bot.runtime import Runtime
from bot.store.boards import BoardEventLog, BoardInbox, BoardLinks, BoardSnapshots
from commands.kanban import BoardWatch, router
from commands.kanban.inbox import EventInbox
from integrations.wekan import WekanBoards, WekanSession
from integrations.wekan.webhook import WekanWebhook

WEBHOOK_PATH = "/hooks/wekan"
SEEN_RETENTION = timedelta(days=2)
INBOX_ROUND_SECONDS = 5  # events a standby accepted wait at most this long for the leader


async def install(runtime: Runtime) -> None:
    settings, database = runtime.settings.wekan, runtime.database
    runtime.routers.append(router)
    links, snapshots = BoardLinks(database), BoardSnapshots(database)
    seen = BoardEventLog(database)
    runtime.services.register(BoardLinks, links)
    runtime.services.register(BoardSnapshots, snapshots)
    runtime.services.register(BoardEventLog, seen)
    token = settings.webhook_token.get_secret_value() if settings.webhook_token else None
    inbox = EventInbox(
        BoardInbox(database), runtime.pipeline, leading=lambda: runtime.scheduler.running
    )
    runtime.services.register(EventInbox, inbox)
    webhook = WekanWebhook(token, inbox.accept)
    runtime.web.router.add_post(WEBHOOK_PATH, webhook.receive)
    runtime.scheduler.every("wekan-inbox", INBOX_ROUND_SECONDS, inbox.drain)

    async def prune() -> None:
        await seen.forget_older_than(SEEN_RETENTION)

    runtime.scheduler.every("wekan-events-prune", 3600, prune)
    if not (settings.url and settings.username and settings.password):
        runtime.on_stop.append(inbox.close)
        return
    boards = WekanBoards(WekanSession(
        str(settings.url), settings.username, settings.password.get_secret_value(),
        timeout_seconds=settings.request_timeout_seconds,
        concurrency=settings.max_concurrent_requests,
    ))
    runtime.services.register(BOARD_PORT, boards)
    watch = BoardWatch(
        boards=boards, links=links, snapshots=snapshots, chat=runtime.chat,
        catalogs=runtime.catalogs, settings=runtime.settings, clock=runtime.clock,
    )
    runtime.services.register(BoardWatch, watch)
    board_events = Router()  # per application: the watch is this application's
    board_events.on(BoardChanged)(watch.on_board_changed)
    runtime.routers.append(board_events)
    runtime.on_stop += [boards.close, inbox.close]  # stop hooks run last first
    if settings.polling:
        runtime.scheduler.every("wekan-poll", settings.poll_interval_seconds, watch.poll_all)
