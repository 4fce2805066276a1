"""The .ics invitation: tokenless link only, ready for Outlook (VTIMEZONE + TZID)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.store.meetings import Meeting

PRODID = "-//ENSEMBLE//reunion//FR"
UID_DOMAIN = "ensemble-bot"


def invitation(
    meeting: Meeting, *, url: str, description: str, tz: ZoneInfo, now: datetime
) -> bytes:
    event = Event()
    event.add("uid", f"{meeting.room_name}@{UID_DOMAIN}")
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", meeting.title)
    event.add("location", url)
    event.add("url", url)
    event.add("description", description)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    # Outlook needs the VTIMEZONE of every TZID it meets.
    start = meeting.starts_at.astimezone(tz).date()
    calendar.add_missing_timezones(
        first_date=date(start.year, 1, 1), last_date=date(start.year + 2, 1, 1)
    )
    content: bytes = calendar.to_ical()
    return content
