"""Video meetings as the core sees them: room names, tokenless and personal signed links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Protocol

from bot.services import ServiceKey


class MeetingRole(StrEnum):
    ORGANIZER = "organizer"
    MEMBER = "member"
    GUEST = "guest"


@dataclass(frozen=True, slots=True)
class Attendee:
    """Who a personal link is for; the user fields stay empty for an outside guest."""

    role: MeetingRole
    name: str
    user_id: str | None = None
    username: str | None = None


@dataclass(frozen=True, slots=True)
class MeetingCapabilities:
    """What the video server does; it only changes what the bot promises in its messages."""

    guest_domain: bool
    lobby_autostart: bool
    lobby_bypass: bool
    token_affiliation: bool
    wait_for_host: bool


@dataclass(frozen=True, slots=True)
class PersonalLink:
    url: str
    expires_at: datetime


class MeetingPort(Protocol):
    service_label: ClassVar[str] = "Jitsi"

    @property
    def capabilities(self) -> MeetingCapabilities: ...

    def new_room_name(self, title: str) -> str:
        """A readable and unguessable room name, made once and stored with the meeting."""
        ...

    def call_room_name(self, call_id: str, title: str) -> str:
        """The room of a call started with the chat's call button."""
        ...

    def public_url(self, room: str, *, subject: str, language: str) -> str:
        """The tokenless link: safe in a room message or an invitation; guests knock there."""
        ...

    def personal_link(
        self,
        room: str,
        *,
        subject: str,
        language: str,
        attendee: Attendee,
        now: datetime,
        expires_at: datetime,
    ) -> PersonalLink:
        """A signed link for one attendee: a bearer credential, for a direct message only."""
        ...


MEETING_PORT = ServiceKey[MeetingPort]("Jitsi")
