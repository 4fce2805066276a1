"""A digest made from the sections: their data read once per run, then one text per recipient."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.digest import DigestSection, DigestSections, Recipient, SectionData
from bot.i18n import N_, Translator
from bot.ports import ChatPort

log = logging.getLogger(__name__)
MEMBERSHIP_READS = 8  # room member lists read at once
UNAVAILABLE = N_("_{section}: unavailable this time (the service did not answer)._")


@dataclass(frozen=True, slots=True)
class Gathered:
    section: DigestSection
    data: SectionData | None  # None: its service failed this run


class Composer:
    def __init__(self, sections: DigestSections, chat: ChatPort) -> None:
        self.sections = sections
        self.chat = chat

    async def gather(self, since: datetime, until: datetime, horizon: datetime) -> list[Gathered]:
        found = []
        for section in self.sections.all():
            try:
                data: SectionData | None = await section.gather(since, until, horizon)
            except Exception:  # one section failing leaves the others their say
                log.exception("digest section failed", extra={"section": section.name})
                data = None
            found.append(Gathered(section, data))
        return found

    async def rooms_of_people(self, gathered: Iterable[Gathered]) -> dict[str, frozenset[str]]:
        """user id → the rooms (among those the sections named) the person is in: each
        room's members read once for the whole run."""
        rooms = sorted({r for g in gathered if g.data is not None for r in g.data.rooms})
        limit = asyncio.Semaphore(MEMBERSHIP_READS)
        by_user: defaultdict[str, set[str]] = defaultdict(set)

        async def read(room_id: str) -> None:
            async with limit:
                try:
                    members = await self.chat.room_members(room_id)
                except Exception:  # a room the bot left or cannot read: its news are skipped
                    log.warning("digest: members of a room unreadable", extra={"room": room_id})
                    return
            for member in members:
                by_user[member.id].add(room_id)

        await asyncio.gather(*(read(room_id) for room_id in rooms))
        return {user: frozenset(found) for user, found in by_user.items()}

    def render(
        self, gathered: list[Gathered], recipient: Recipient, t: Translator,
        sections_off: frozenset[str], title: str,
    ) -> str | None:
        """The digest's text; None when every section is empty (nothing is sent)."""
        blocks, said = [], False
        for item in gathered:
            if item.section.name in sections_off:
                continue
            if item.data is None:
                blocks.append(t.t(UNAVAILABLE, section=item.section.name))
                continue
            text = item.data.render(recipient, t)
            if text:
                blocks.append(text)
                said = True
        # A digest that would only say "unavailable" is not worth a message.
        return "\n\n".join([title, *blocks]) if said else None
