"""The .ics files: the invitation (tokenless link only, ready for Outlook: VTIMEZONE + TZID)
and its cancellation.

A calendar client matches a cancellation to the entry it imported by UID and takes it only when
its SEQUENCE is higher (RFC 5546 §3.2.5 CANCEL, §2.1.4 sequencing; RFC 5545 §3.8.7.4): a
meeting is never changed after its invitation, so the invitation is sequence 0 and its
cancellation sequence 1.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from commands.reunion.store import Meeting

PRODID = "-//ENSEMBLE//reunion//FR"
UID_DOMAIN = "ensemble-bot"
INVITATION_SEQUENCE = 0
CANCELLATION_SEQUENCE = INVITATION_SEQUENCE + 1


def uid(meeting: Meeting) -> str:
    return f"{meeting.room_name}@{UID_DOMAIN}"


def _event(meeting: Meeting, *, sequence: int, tz: ZoneInfo, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid(meeting))
    event.add("sequence", sequence)
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", meeting.title)
    return event


def _calendar(method: str, event: Event, meeting: Meeting, tz: ZoneInfo) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    # Outlook needs the VTIMEZONE of every TZID it meets.
    start = meeting.starts_at.astimezone(tz).date()
    calendar.add_missing_timezones(
        first_date=date(start.year, 1, 1), last_date=date(start.year + 2, 1, 1)
    )
    content: bytes = calendar.to_ical()
    return content


def invitation(
    meeting: Meeting, *, url: str, description: str, tz: ZoneInfo, now: datetime
) -> bytes:
    event = _event(meeting, sequence=INVITATION_SEQUENCE, tz=tz, now=now)
    event.add("location", url)
    event.add("url", url)
    event.add("description", description)
    return _calendar("PUBLISH", event, meeting, tz)


def cancellation(meeting: Meeting, *, tz: ZoneInfo, now: datetime) -> bytes:
    event = _event(meeting, sequence=CANCELLATION_SEQUENCE, tz=tz, now=now)
    event.add("status", "CANCELLED")
    return _calendar("CANCEL", event, meeting, tz)
