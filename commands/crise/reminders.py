"""The reminder to post a status update, run by the scheduler (on the leader only): one
round a minute looks at every open cell, so nothing is lost across restarts."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.i18n import N_
from commands.crise.desk import CrisisDesk
from commands.crise.settings import quiet_window
from commands.crise.store import Cell, EntryKind

log = logging.getLogger(__name__)
ROUND_SECONDS = 60


def interval(desk: CrisisDesk, cell: Cell) -> timedelta:
    return timedelta(minutes=cell.reminder_minutes or desk.crisis.reminder_for(cell.severity))


def quiet(desk: CrisisDesk, moment: datetime) -> bool:
    window = quiet_window(desk.crisis.quiet_hours) if desk.crisis.quiet_hours else None
    if window is None:
        return False
    local = moment.astimezone(desk.settings.tz).time()
    start, end = window
    return start <= local < end if start <= end else local >= start or local < end


def due(desk: CrisisDesk, cell: Cell, now: datetime) -> bool:
    if cell.get("reminder_off") or cell.room_id is None:
        return False
    snoozed = cell.get("snoozed_until")
    if snoozed and now < datetime.fromisoformat(snoozed):
        return False
    every = interval(desk, cell)
    last = max(filter(None, (cell.last_status_at, cell.last_reminder_at, cell.opened_at)))
    return now - last >= every and not quiet(desk, now)


async def remind(desk: CrisisDesk) -> None:
    now = desk.now()
    for cell in await desk.cells.open_cells():
        if not due(desk, cell, now):
            continue
        minutes = int(interval(desk, cell).total_seconds() // 60)
        text = desk.t.t(N_("No status update for {minutes} minutes: pilot, secretary, please "
                           "post one with /crise point (or /crise rappel 30min to snooze)."),
                        minutes=minutes)
        await desk.post(cell, text, key=f"crise-{cell.id}:reminder:{now.isoformat()}")
        await desk.cells.update(cell.id, last_reminder_at=now)
        await desk.log(cell, EntryKind.REMINDER, desk.chat.bot_username, text,
                       ref=f"reminder:{now.isoformat()}")
        desk.metrics.reminders.inc()
        log.info("crisis reminder sent", extra={"cell": cell.id})
