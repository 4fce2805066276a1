"""The meetings store on SQLite and PostgreSQL: what /reunion liste, cancel and reminders read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.store import Database
from commands import reunion
from commands.reunion.store import Meetings, MeetingStatus, NewMeeting

# The slice's own revisions, as the Application passes them for an enabled feature.
assert reunion.feature.migrations is not None
MIGRATIONS = [reunion.feature.migrations]

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 28, 15, 0, tzinfo=PARIS)


@pytest.fixture
async def meetings(store_url: str) -> AsyncIterator[Meetings]:
    database = Database(store_url)
    await database.migrate(MIGRATIONS)
    yield Meetings(database)
    await database.close()


def new(name: str, start: datetime, *, room: str = "r-team", **extra: object) -> NewMeeting:
    values: dict[str, object] = {
        "room_name": name,
        "title": f"Titre {name}",
        "organizer_id": "u-marie",
        "organizer_username": "marie",
        "chat_room_id": room,
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "scheduled": True,
    }
    return NewMeeting(**(values | extra))  # type: ignore[arg-type]


async def test_a_meeting_comes_back_as_stored_with_aware_times(meetings: Meetings) -> None:
    start = NOW + timedelta(days=1)
    created = await meetings.add(new("reunion-a-0123456789", start, external=True))
    loaded = await meetings.get(created.id)
    assert loaded == created
    assert loaded is not None
    assert loaded.starts_at == start and loaded.starts_at.tzinfo is not None
    assert loaded.status is MeetingStatus.PLANNED and loaded.external
    assert not loaded.reminder_sent and loaded.call_id is None
    assert await meetings.get(created.id + 100) is None


async def test_upcoming_lists_the_room_meetings_soonest_first(meetings: Meetings) -> None:
    later = await meetings.add(new("reunion-later-0000000001", NOW + timedelta(days=2)))
    sooner = await meetings.add(new("reunion-sooner-000000002", NOW + timedelta(hours=2)))
    await meetings.add(new("reunion-past-00000000003", NOW - timedelta(hours=3)))
    await meetings.add(new("reunion-other-0000000004", NOW + timedelta(hours=1), room="r-x"))
    cancelled = await meetings.add(new("reunion-gone-00000000005", NOW + timedelta(hours=3)))
    assert await meetings.cancel(cancelled.id)
    listed = await meetings.upcoming("r-team", NOW)
    assert [m.id for m in listed] == [sooner.id, later.id]


async def test_cancel_and_the_reminder_claim_happen_once(meetings: Meetings) -> None:
    meeting = await meetings.add(new("reunion-once-0000000006", NOW + timedelta(days=1)))
    claims = await asyncio.gather(*(meetings.claim_reminder(meeting.id) for _ in range(3)))
    assert sorted(claims) == [False, False, True]
    assert await meetings.cancel(meeting.id)
    assert not await meetings.cancel(meeting.id)
    loaded = await meetings.get(meeting.id)
    assert loaded is not None and loaded.cancelled and loaded.reminder_sent


async def test_reminders_to_restore_skip_cancelled_sent_past_and_immediate(
    meetings: Meetings,
) -> None:
    waiting = await meetings.add(new("reunion-wait-0000000007", NOW + timedelta(days=1)))
    sent = await meetings.add(new("reunion-sent-0000000008", NOW + timedelta(days=1)))
    await meetings.claim_reminder(sent.id)
    gone = await meetings.add(new("reunion-gone-0000000009", NOW + timedelta(days=1)))
    await meetings.cancel(gone.id)
    await meetings.add(new("reunion-past-0000000010", NOW - timedelta(days=1)))
    await meetings.add(new("reunion-now-00000000011", NOW, scheduled=False))
    assert [m.id for m in await meetings.awaiting_reminder(NOW)] == [waiting.id]


async def test_a_call_is_found_by_its_id(meetings: Meetings) -> None:
    call = await meetings.add(
        new("rocketchat6502f1c2a7", NOW.astimezone(UTC), scheduled=False, call_id="6502f1c2a7")
    )
    found = await meetings.by_call_id("6502f1c2a7")
    assert found is not None and found.id == call.id and found.room_name == "rocketchat6502f1c2a7"
    assert await meetings.by_call_id("autre") is None
