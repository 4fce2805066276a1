"""The meetings part of a digest: today's (or this week's) meetings in the reader's rooms,
each with the command that gives a personal link (never a link or a token itself)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from babel.dates import format_datetime

from bot.digest import Recipient
from bot.i18n import N_, Translator
from bot.sanitize import escape_markdown, one_line
from commands.reunion.store import Meeting, Meetings

MAX_LISTED = 15


@dataclass
class MeetingsData:
    meetings: list[Meeting]
    by_room: dict[str, list[Meeting]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for meeting in self.meetings:
            self.by_room.setdefault(meeting.chat_room_id, []).append(meeting)

    @property
    def rooms(self) -> Iterable[str]:
        return self.by_room.keys()

    def render(self, recipient: Recipient, t: Translator) -> str | None:
        mine = sorted((
            m for room in recipient.rooms for m in self.by_room.get(room, [])
            if m.ends_at > recipient.until and m.starts_at < recipient.horizon
        ), key=lambda m: (m.starts_at, m.id))
        if not mine:
            return None
        lines = [t.tn("**{count} meeting**", "**{count} meetings**", len(mine))]
        for meeting in mine[:MAX_LISTED]:
            when = format_datetime(meeting.starts_at.astimezone(recipient.tz), "EEE d MMM HH:mm",
                                   locale=t.locale)
            lines.append(t.t(N_("• {when}: {title} (your link: /reunion lien {number})"),
                             when=when, title=escape_markdown(one_line(meeting.title, 120)),
                             number=meeting.id))
        if len(mine) > MAX_LISTED:
            lines.append(t.t(N_("• and {count} more"), count=len(mine) - MAX_LISTED))
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class MeetingsSection:
    store: Meetings
    name: str = "reunions"
    aliases: tuple[str, ...] = ("meetings", "réunions")

    async def gather(self, since: datetime, until: datetime, horizon: datetime) -> MeetingsData:
        return MeetingsData(await self.store.between(until, horizon))
