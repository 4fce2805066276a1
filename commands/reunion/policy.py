"""When personal links are handed out and how long they last.

A meeting with a duration (planned, or typed `/reunion` with the 1-hour default) has links
until its end + grace, never longer than the cap of its kind: 12 h ahead when planned, 4 h for
an immediate one (the lifetime of Jitsi's own moderated-meetings tokens, jitsi/moderated-meetings
PR #44). A call-button meeting has no duration anyone chose, so its links last a flat 4 h.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.ports.meetings import MeetingRole
from commands.reunion.store import Meeting

REMINDER_LEAD = timedelta(minutes=15)
IMMEDIATE_TTL = timedelta(hours=4)
GUEST_TTL = timedelta(hours=2)
END_GRACE = timedelta(hours=1)
SCHEDULED_CAP = timedelta(hours=12)


def has_duration(meeting: Meeting) -> bool:
    """The call button stores a placeholder end; `/reunion` stores the one it announced."""
    return meeting.call_id is None


def link_expiry(meeting: Meeting, now: datetime, role: MeetingRole) -> datetime:
    if not has_duration(meeting):
        expiry = now + IMMEDIATE_TTL
    else:
        cap = SCHEDULED_CAP if meeting.scheduled else IMMEDIATE_TTL
        expiry = min(meeting.ends_at + END_GRACE, now + cap)
    # A guest token is still a bearer credential: keep it short.
    return min(expiry, now + GUEST_TTL) if role is MeetingRole.GUEST else expiry


def links_open_at(meeting: Meeting) -> datetime:
    """Before this, a link would strand its holder in an empty room (or expire unused)."""
    return meeting.starts_at - REMINDER_LEAD if meeting.scheduled else meeting.starts_at


def is_too_early(meeting: Meeting, now: datetime) -> bool:
    return now < links_open_at(meeting)


def is_over(meeting: Meeting, now: datetime) -> bool:
    """After this, a freshly minted link would already be expired."""
    grace = END_GRACE if has_duration(meeting) else IMMEDIATE_TTL
    return now >= meeting.ends_at + grace
