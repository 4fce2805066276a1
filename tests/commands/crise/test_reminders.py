"""When the status-update reminder is due: the severity's interval, snooze, off, quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from commands.crise.desk import CrisisDesk
from commands.crise.reminders import due, remind
from commands.crise.settings import CrisisSettings
from commands.crise.store import Cells
from composition.testing import CRISIS_LEAD
from tests.commands.crise.conftest import Crisis, cell_room

NOON = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)  # 12:00 in Paris


async def test_the_reminder_follows_the_severity_snooze_off_and_quiet_hours(
    crisis: Crisis,
) -> None:
    await crisis.bot.say("/crise ouvrir Panne --gravite 1", user=CRISIS_LEAD)
    desk = crisis.bot.app.runtime.services.get(CrisisDesk)
    [cell] = await crisis.bot.app.runtime.services.get(Cells).open_cells()
    cell.opened_at = NOON
    assert not due(desk, cell, NOON + timedelta(minutes=29))
    assert due(desk, cell, NOON + timedelta(minutes=30))  # severity 1: 30 min by default
    cell.resources["snoozed_until"] = (NOON + timedelta(hours=1)).isoformat()
    assert not due(desk, cell, NOON + timedelta(minutes=45))
    cell.resources["snoozed_until"] = None
    cell.resources["reminder_off"] = True
    assert not due(desk, cell, NOON + timedelta(hours=3))
    cell.resources["reminder_off"] = False
    desk.crisis = CrisisSettings(quiet_hours="22:00-07:00")
    night = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 00:30 in Paris
    assert not due(desk, cell, night)
    assert due(desk, cell, night + timedelta(hours=7))  # 06:30 UTC = 07:30 in Paris


async def test_a_due_reminder_is_posted_once_and_logged(crisis: Crisis) -> None:
    await crisis.bot.say("/crise ouvrir Panne --gravite 1", user=CRISIS_LEAD)
    room = cell_room(crisis)
    desk = crisis.bot.app.runtime.services.get(CrisisDesk)
    [cell] = await desk.cells.open_cells()
    await desk.cells.update(cell.id, opened_at=desk.now() - timedelta(minutes=31))
    await remind(desk)
    await remind(desk)  # the interval starts again from the reminder
    said = [t for t in crisis.bot.chat.texts(room.id) if "Aucun point de situation" in t]
    assert len(said) == 1
    journal = crisis.text(await crisis.bot.say("/crise journal", user=CRISIS_LEAD,
                                               room=room))
    assert "rappel — @ensemble-bot" in journal
