"""The words of /reunion: room announcement, personal link messages, lists; never a token
outside a direct message."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, format_timedelta

from bot.i18n import N_, Translator
from bot.models import Attachment, Button
from bot.ports.meetings import MeetingCapabilities, MeetingRole, PersonalLink
from bot.sanitize import escape_markdown, one_line
from commands.reunion.store import Meeting

TITLE_MAX = 120
_MASS_MENTION = re.compile(r"@(all|here)\b", re.IGNORECASE)
MEETING_COLOR = "#1d74f5"


def clean_title(subject: str) -> str:
    """The subject as stored: one line, bounded, without mass mentions."""
    # Stored without the "@" (the title also names the video room, outside the chat).
    return _MASS_MENTION.sub(r"\1", one_line(subject))[:TITLE_MAX].strip()


def moment(t: Translator, value: datetime, tz: ZoneInfo) -> str:
    local = value.astimezone(tz)
    return t.t(
        N_("{date} at {time}"),
        date=format_date(local, "full", locale=t.locale),
        time=format_time(local, "short", locale=t.locale),
    )


def clock(t: Translator, value: datetime, tz: ZoneInfo) -> str:
    return format_time(value.astimezone(tz), "short", locale=t.locale)


def duration(t: Translator, length: timedelta) -> str:
    hours, rest = divmod(int(length.total_seconds()) // 60, 60)
    parts = []
    if hours:
        parts.append(format_timedelta(timedelta(hours=hours), threshold=1, locale=t.locale))
    if rest:
        parts.append(format_timedelta(timedelta(minutes=rest), threshold=1, locale=t.locale))
    return " ".join(parts)


def lobby_status(t: Translator, capabilities: MeetingCapabilities) -> str:
    """Said in every room message: who waits, and whether anyone must act for it."""
    if capabilities.lobby_autostart:
        return t.t(
            N_("Outsiders wait in the lobby, on from the start, until a moderator admits them.")
        )
    return t.t(
        N_(
            "Outsiders wait in the lobby: the organizer turns it on when arriving "
            "(Security → “Enable lobby”)."
        )
    )


def schedule_line(t: Translator, meeting: Meeting, tz: ZoneInfo) -> str:
    length = duration(t, meeting.ends_at - meeting.starts_at)
    if meeting.scheduled:
        return t.t(
            N_("When: {moment}, for {duration}."),
            moment=moment(t, meeting.starts_at, tz),
            duration=length,
        )
    return t.t(N_("Now, until {end}."), end=clock(t, meeting.ends_at, tz))


def delivery_line(t: Translator, meeting: Meeting, proactive: bool) -> str:
    if meeting.scheduled and proactive:
        return t.t(
            N_(
                "Each member receives a personal link by direct message "
                "15 minutes before the start."
            )
        )
    if meeting.scheduled:
        return t.t(
            N_(
                "From 15 minutes before the start, press “Join” to receive your personal "
                "link by direct message."
            )
        )
    if proactive:
        return t.t(N_("Each member receives a personal link by direct message."))
    return t.t(N_("Press “Join” to receive your personal link by direct message."))


def guest_line(t: Translator, meeting: Meeting, capabilities: MeetingCapabilities) -> str:
    if capabilities.guest_domain:
        # The server lets tokenless visitors knock: the room link is the guest link, and a
        # guest token would only add a bearer credential to forward by hand.
        return t.t(
            N_(
                "Outside guests: forward them the room link above; they wait in the lobby "
                "until a moderator admits them."
            )
        )
    if meeting.scheduled:
        return t.t(
            N_(
                "The link for outside guests goes to the organizer by direct message "
                "15 minutes before the start."
            )
        )
    return t.t(N_("The link for outside guests goes to the organizer by direct message."))


def announcement(
    t: Translator,
    meeting: Meeting,
    *,
    organizer: str,
    url: str,
    capabilities: MeetingCapabilities,
    proactive: bool,
    tz: ZoneInfo,
) -> tuple[str, Attachment]:
    """The room message: title, time, lobby status, tokenless link and the "Join" button."""
    title = escape_markdown(meeting.title)
    text = t.t(
        N_("📹 Meeting #{id} “{title}”, organized by {organizer}."),
        id=meeting.id,
        title=title,
        organizer=escape_markdown(organizer),
    )
    lines = [
        schedule_line(t, meeting, tz),
        t.t(N_("Room link (no personal token): {url}"), url=url),
        delivery_line(t, meeting, proactive),
    ]
    if meeting.external:
        lines.append(guest_line(t, meeting, capabilities))
    lines.append(lobby_status(t, capabilities))
    attachment = Attachment(
        title=title,
        title_link=url,
        text="\n".join(lines),
        color=MEETING_COLOR,
        buttons=(Button(t.t(N_("Join")), f"!reunion rejoindre {meeting.id}"),),
    )
    return text, attachment


def reminder_announcement(
    t: Translator, meeting: Meeting, *, url: str, tz: ZoneInfo
) -> tuple[str, Attachment]:
    """The room reminder of a big room, where links go out on demand only."""
    text = t.t(
        N_("⏰ Meeting #{id} “{title}” starts at {time}: press “Join” for your personal link."),
        id=meeting.id,
        title=escape_markdown(meeting.title),
        time=clock(t, meeting.starts_at, tz),
    )
    attachment = Attachment(
        title=escape_markdown(meeting.title),
        title_link=url,
        color=MEETING_COLOR,
        buttons=(Button(t.t(N_("Join")), f"!reunion rejoindre {meeting.id}"),),
    )
    return text, attachment


def invitation_description(t: Translator, url: str) -> str:
    return "\n".join(
        [
            t.t(N_("Room link: {url}"), url=url),
            t.t(N_("The personal link is sent by the bot (direct message in the chat).")),
        ]
    )


def _organizer_hints(
    t: Translator, meeting: Meeting, capabilities: MeetingCapabilities
) -> list[str]:
    hints = [
        t.t(
            N_(
                "You are the moderator. Outside guests knock in the lobby: admit them in the "
                "participants pane (“Admit” / “Reject”, or “Admit all”)."
            )
        )
    ]
    if not capabilities.lobby_autostart:
        hints.append(
            t.t(N_("Turn the lobby on as soon as you arrive: Security → “Enable lobby”."))
        )
    if capabilities.wait_for_host and not capabilities.lobby_autostart:
        hints.append(
            t.t(
                N_(
                    "Warning: on this server any member link counts as host and lets waiting "
                    "guests in until the lobby is on."
                )
            )
        )
    hints.append(
        t.t(
            N_("If your link has expired, type `/reunion lien {id}` for a fresh one."),
            id=meeting.id,
        )
    )
    return hints


def personal_message(
    t: Translator,
    meeting: Meeting,
    link: PersonalLink,
    *,
    role: MeetingRole,
    capabilities: MeetingCapabilities,
    tz: ZoneInfo,
    reminder: bool,
) -> str:
    """A direct message with a personal signed link: the only place a token may go."""
    lines = []
    if reminder:
        lines.append(
            t.t(
                N_("⏰ “{title}” starts at {time}."),
                title=escape_markdown(meeting.title),
                time=clock(t, meeting.starts_at, tz),
            )
        )
    lines += [
        t.t(
            N_("🔑 Your personal link for meeting #{id} “{title}”: {url}"),
            id=meeting.id,
            title=escape_markdown(meeting.title),
            url=link.url,
        ),
        t.t(
            N_("It is valid until {moment} and is yours alone: do not share it."),
            moment=moment(t, link.expires_at, tz),
        ),
    ]
    if role is MeetingRole.ORGANIZER:
        lines += _organizer_hints(t, meeting, capabilities)
    else:
        lines.append(
            t.t(N_("After a reload, type `/reunion lien {id}` for a fresh link."), id=meeting.id)
        )
    return "\n".join(lines)


def guest_message(t: Translator, meeting: Meeting, link: PersonalLink, tz: ZoneInfo) -> str:
    return "\n".join(
        [
            t.t(
                N_(
                    "👤 Guest link for meeting #{id} “{title}”, to forward to your outside "
                    "guest only (never in a room): {url}"
                ),
                id=meeting.id,
                title=escape_markdown(meeting.title),
                url=link.url,
            ),
            t.t(
                N_("It waits in the lobby and stops working at {moment}."),
                moment=moment(t, link.expires_at, tz),
            ),
        ]
    )


def too_early_message(
    t: Translator, meeting: Meeting, opens_at: datetime, tz: ZoneInfo, *, sent_then: bool
) -> str:
    """`sent_then`: the reminder will bring the link by itself (rooms small enough)."""
    params = {
        "id": meeting.id,
        "title": escape_markdown(meeting.title),
        "moment": moment(t, meeting.starts_at, tz),
        "opens": clock(t, opens_at, tz),
    }
    if sent_then:
        return t.t(
            N_(
                "Too early: meeting #{id} “{title}” starts on {moment}. Your personal link "
                "will come by direct message at {opens}."
            ),
            **params,
        )
    return t.t(
        N_(
            "Too early: meeting #{id} “{title}” starts on {moment}. Personal links are given "
            "from {opens}: type `/reunion lien {id}` again then, or press “Join”."
        ),
        **params,
    )


def listing(t: Translator, meetings: list[Meeting], tz: ZoneInfo) -> str:
    if not meetings:
        return t.t(N_("No meeting planned in this room."))
    lines = [t.t(N_("Upcoming meetings in this room:"))]
    for meeting in meetings:
        when = (
            moment(t, meeting.starts_at, tz)
            if meeting.scheduled
            else t.t(N_("now, until {end}"), end=clock(t, meeting.ends_at, tz))
        )
        lines.append(
            t.t(
                N_("- #{id} “{title}”, {when} (organizer: {organizer})"),
                id=meeting.id,
                title=escape_markdown(meeting.title),
                when=when,
                organizer=meeting.organizer_username,
            )
        )
    return "\n".join(lines)
