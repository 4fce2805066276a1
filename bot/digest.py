"""Digest sections: what each feature contributes to a scheduled digest, vendor-neutral.

A digest run gathers each section's data once (for every recipient of the run), then renders
it per recipient. A feature offers its section by adding it to the `DigestSections` service in
its `install`; the digest feature owns subscriptions, scheduling, sending and assembly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Protocol

from bot.i18n import Translator


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a digest is for: a person (by DM) or a room (posted in it).

    `rooms` are the rooms whose news count: the person's rooms among those the sections
    named, or the room itself. `since` is the end of the period the last digest covered;
    `until` the moment this one is made; `horizon` how far ahead it looks (a day or a week).
    """

    user_id: str | None
    username: str | None
    rooms: frozenset[str]
    since: datetime
    until: datetime
    horizon: datetime
    tz: tzinfo
    roles: frozenset[str] = frozenset()
    room_id: str | None = None

    @property
    def is_room(self) -> bool:
        return self.room_id is not None


class SectionData(Protocol):
    """What a section gathered for one run."""

    @property
    def rooms(self) -> Iterable[str]:
        """The rooms its news belong to: the digest asks who is in them, once per run."""
        ...

    def render(self, recipient: Recipient, t: Translator) -> str | None:
        """The section's text for one recipient (title included), None when it has nothing."""
        ...


class DigestSection(Protocol):
    """One part of a digest, offered by a feature."""

    @property
    def name(self) -> str:
        """Its name in `/digest contenu` (French), e.g. "reunions"."""
        ...

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other names accepted for it (English)."""
        ...

    async def gather(self, since: datetime, until: datetime, horizon: datetime) -> SectionData:
        """Everything the run's recipients may need, read once (`since`: the oldest period
        start among them; `horizon`: the furthest look ahead)."""
        ...


class DigestSections:
    """The sections offered by the enabled features, in the order they were installed."""

    def __init__(self) -> None:
        self._sections: list[DigestSection] = []

    def add(self, section: DigestSection) -> None:
        if self.find(section.name) is not None:
            raise ValueError(f"digest section {section.name!r} offered twice")
        self._sections.append(section)

    def all(self) -> list[DigestSection]:
        return list(self._sections)

    def find(self, word: str) -> DigestSection | None:
        lowered = word.lower()
        return next(
            (s for s in self._sections if lowered == s.name or lowered in s.aliases), None
        )
