"""The shares part of a digest: shares made in the reader's rooms since the last digest, and
their own shares that expire within three days. Passwords never appear (they went by DM)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from babel.dates import format_date

from bot.digest import Recipient
from bot.i18n import Translator
from bot.sanitize import escape_markdown, one_line
from commands.partage.store import ShareRecord, ShareRecords

EXPIRY_NOTICE = timedelta(days=3)
MAX_LISTED = 15


def _label(share: ShareRecord) -> str:
    name = escape_markdown(one_line(share.path.rstrip("/").rsplit("/", 1)[-1] or share.path, 80))
    return f"[{name}]({share.url})" if share.url else name


@dataclass
class SharesData:
    shares: list[ShareRecord]
    by_room: dict[str, list[ShareRecord]] = field(default_factory=dict)
    by_creator: dict[str, list[ShareRecord]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for share in self.shares:
            self.by_room.setdefault(share.room_id, []).append(share)
            self.by_creator.setdefault(share.creator_id, []).append(share)

    @property
    def rooms(self) -> Iterable[str]:
        return self.by_room.keys()

    def render(self, recipient: Recipient, t: Translator) -> str | None:
        new = sorted((s for room in recipient.rooms for s in self.by_room.get(room, [])
                      if recipient.since <= s.created_at < recipient.until),
                     key=lambda s: (s.created_at, s.id))
        today = recipient.until.astimezone(recipient.tz).date()
        expiring = [
            s for s in self.by_creator.get(recipient.user_id or "", [])
            if s.expires_on is not None and today < s.expires_on <= today + EXPIRY_NOTICE
        ]
        if not new and not expiring:
            return None
        lines = [t.t("**Shares**")]
        lines += [t.t("• {share} shared in #{room} by {person}", share=_label(share),
                      room=share.room_name, person=share.creator_username)
                  for share in new[:MAX_LISTED]]
        lines += [t.t("• your share {share} expires on {day}", share=_label(share),
                      day=format_date(share.expires_on, "full", locale=t.locale))
                  for share in expiring[:MAX_LISTED] if share.expires_on is not None]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class SharesSection:
    store: ShareRecords
    name: str = "partages"
    aliases: tuple[str, ...] = ("shares",)

    async def gather(self, since: datetime, until: datetime, horizon: datetime) -> SharesData:
        # A day either side: each reader's own time zone decides, when rendering.
        today, day = until.date(), timedelta(days=1)
        shares = await self.store.for_digest(since, until, today + EXPIRY_NOTICE + day,
                                             today - day)
        return SharesData(shares)
