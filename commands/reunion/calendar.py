"""The .ics files: the invitation (tokenless link only, ready for Outlook: VTIMEZONE + TZID)
and its cancellation.

A calendar client matches a cancellation to the entry it imported by UID and takes it only when
its SEQUENCE is higher (RFC 5546 §3.2.5 CANCEL, §2.1.4 sequencing; RFC 5545 §3.8.7.4): a
meeting is never changed after its invitation, so the invitation is sequence 0 and its
cancellation sequence 1.
"""

from __future__ import annotations

from datetime import date, datetime
from types import ModuleType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config import BrandingSettings
from commands.reunion.store import Meeting

if TYPE_CHECKING:
    from icalendar import Event, vCalAddress

PRODID = "-//ENSEMBLE//reunion//FR"
UID_DOMAIN = "ensemble-bot"
INVITATION_SEQUENCE = 0
CANCELLATION_SEQUENCE = INVITATION_SEQUENCE + 1
# RFC 2606 reserves .invalid: an address nobody receives, when the administration gives none.
NO_REPLY = "noreply@invalid"


def _icalendar() -> ModuleType:
    """icalendar (~3 MiB, ~30 ms of imports), loaded with the first .ics rather than at start."""
    import icalendar  # noqa: PLC0415

    return icalendar


def uid(meeting: Meeting) -> str:
    return f"{meeting.room_name}@{UID_DOMAIN}"


def organizer(branding: BrandingSettings) -> vCalAddress | None:
    """ORGANIZER;CN=<name>:mailto:<address> (RFC 5545 §3.8.4.3), when a name is configured."""
    if not branding.ics_organizer:
        return None
    mailto = f"mailto:{branding.ics_organizer_email or NO_REPLY}"
    address: vCalAddress = _icalendar().vCalAddress(mailto)
    address.params["cn"] = branding.ics_organizer
    return address


def _event(
    meeting: Meeting, *, sequence: int, tz: ZoneInfo, now: datetime,
    branding: BrandingSettings | None = None,
) -> Event:
    event: Event = _icalendar().Event()
    chosen = organizer(branding) if branding is not None else None
    if chosen is not None:
        event.add("organizer", chosen)
    event.add("uid", uid(meeting))
    event.add("sequence", sequence)
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at.astimezone(tz))
    event.add("dtend", meeting.ends_at.astimezone(tz))
    event.add("summary", meeting.title)
    return event


def _calendar(method: str, event: Event, meeting: Meeting, tz: ZoneInfo) -> bytes:
    calendar = _icalendar().Calendar()
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


def invitation(  # noqa: PLR0913 - one keyword per part of the invitation
    meeting: Meeting, *, url: str, description: str, tz: ZoneInfo, now: datetime,
    branding: BrandingSettings | None = None,
) -> bytes:
    event = _event(meeting, sequence=INVITATION_SEQUENCE, tz=tz, now=now, branding=branding)
    event.add("location", url)
    event.add("url", url)
    event.add("description", description)
    return _calendar("PUBLISH", event, meeting, tz)


def cancellation(
    meeting: Meeting, *, tz: ZoneInfo, now: datetime, branding: BrandingSettings | None = None
) -> bytes:
    event = _event(meeting, sequence=CANCELLATION_SEQUENCE, tz=tz, now=now, branding=branding)
    event.add("status", "CANCELLED")
    return _calendar("CANCEL", event, meeting, tz)
