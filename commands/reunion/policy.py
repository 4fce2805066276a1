"""When personal links are handed out and how long they last (jitsi spec §6.4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.ports.meetings import MeetingRole
from bot.store.meetings import Meeting

REMINDER_LEAD = timedelta(minutes=15)
IMMEDIATE_TTL = timedelta(hours=4)
GUEST_TTL = timedelta(hours=2)
SCHEDULED_GRACE = timedelta(hours=1)
SCHEDULED_CAP = timedelta(hours=12)


def link_expiry(meeting: Meeting, now: datetime, role: MeetingRole) -> datetime:
    if meeting.scheduled:
        expiry = min(meeting.ends_at + SCHEDULED_GRACE, now + SCHEDULED_CAP)
    else:
        expiry = now + IMMEDIATE_TTL
    # A guest token is still a bearer credential: keep it short.
    return min(expiry, now + GUEST_TTL) if role is MeetingRole.GUEST else expiry


def links_open_at(meeting: Meeting) -> datetime:
    """Before this, a link would strand its holder in an empty room (or expire unused)."""
    return meeting.starts_at - REMINDER_LEAD if meeting.scheduled else meeting.starts_at


def is_too_early(meeting: Meeting, now: datetime) -> bool:
    return now < links_open_at(meeting)


def is_over(meeting: Meeting, now: datetime) -> bool:
    """After this, a freshly minted link would already be expired."""
    grace = SCHEDULED_GRACE if meeting.scheduled else IMMEDIATE_TTL
    return now >= meeting.ends_at + grace
