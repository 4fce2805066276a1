"""CELLULE DE CRISE as a slice: /crise, its tables, the reminder round, the board reading,
the observers of pins and 📌, and the resumption at start of what a crash interrupted."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.digest import DigestSections
from bot.events import BoardChanged
from bot.feature import Feature
from bot.i18n import Catalogs
from bot.ports.boards import BOARD_PORT
from bot.ports.files import FILES_PORT
from bot.ports.meetings import MEETING_PORT
from bot.routing import Router
from bot.runtime import Runtime
from commands.crise import reminders
from commands.crise.cards import CardLog
from commands.crise.desk import CrisisDesk
from commands.crise.digest import CrisisSection
from commands.crise.handlers import router
from commands.crise.metrics import CrisisMetrics
from commands.crise.observers import router as observers
from commands.crise.runner import CellRunner
from commands.crise.settings import CrisisSettings
from commands.crise.store import Cells, Journal

# Tests only (the crash test): the process dies right after this step is recorded.
CRASH_AFTER_ENV = "ENSEMBLE_TEST_CRISIS_CRASH_AFTER"
RESUME_DELAY = timedelta(seconds=2)  # after the chat connection, which comes after the hooks


def _crash_hook() -> object:
    step = os.environ.get(CRASH_AFTER_ENV)
    if not step:
        return None

    def crash(reached: str) -> None:
        if reached == step:
            os._exit(137)  # as SIGKILL would: no cleanup, no flush

    return crash


async def install(runtime: Runtime) -> None:
    desk = CrisisDesk(
        chat=runtime.chat, services=runtime.services, cells=Cells(runtime.database),
        journal=Journal(runtime.database), catalogs=runtime.services.get(Catalogs),
        settings=runtime.settings, crisis=runtime.services.get(CrisisSettings),
        clock=runtime.clock, metrics=CrisisMetrics(runtime.metrics.registry),
        fault_hook=_crash_hook(),
    )
    runner = CellRunner(desk)
    cards = CardLog(desk)
    runtime.provide(CrisisDesk, desk)
    runtime.provide(CellRunner, runner)
    runtime.provide(Cells, desk.cells)  # open_cells_for(username), for the digests
    settings = runtime.settings
    runtime.services.get(DigestSections).add(CrisisSection(
        desk.cells, frozenset(settings.crisis_roles) | frozenset(settings.admin_roles)))
    runtime.provide(CardLog, cards)
    board_events = Router()  # per application: the card log is this application's
    board_events.on(BoardChanged)(cards.on_board_changed)
    runtime.routers.append(board_events)

    async def remind() -> None:
        await reminders.remind(desk)

    runtime.scheduler.every("crisis-reminders", reminders.ROUND_SECONDS, remind)
    runtime.scheduler.every("crisis-boards", desk.crisis.board_poll_seconds, cards.poll)

    async def resume_later() -> None:
        # The scheduler runs on the wall clock, whatever clock the bot reasons with.
        when = datetime.now(UTC) + RESUME_DELAY
        runtime.scheduler.at("crisis-resume", when, runner.resume_unfinished)

    runtime.on_start.append(resume_later)


feature = Feature(
    name="crisis",
    routers=[router, observers],
    migrations=Path(__file__).resolve().parent / "migrations",
    install=install,
    needs=[MEETING_PORT, FILES_PORT, BOARD_PORT],
    settings=CrisisSettings,
    settings_section="crisis",
)
