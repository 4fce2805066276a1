"""The bot's own chat model: a message in a room (ChatEvent) and what goes out (Message).

The other inbound events (a call, a reaction, a board change, a tick) are in bot.events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar


class RoomType(StrEnum):
    CHANNEL = "channel"
    PRIVATE = "private"
    DIRECT = "direct"


class RoomRole(StrEnum):
    """A person's standing in one room, in the core's words (the chat adapter maps its own)."""

    OWNER = "owner"
    MODERATOR = "moderator"


# The room roles that let someone manage what others did in that room.
ROOM_MANAGERS = frozenset({RoomRole.OWNER, RoomRole.MODERATOR})


@dataclass(frozen=True, slots=True)
class User:
    """`roles` are the person's global roles on the platform (as named in the settings);
    `room_roles` their roles in the room of the event being handled, kept apart."""

    id: str
    username: str
    display_name: str = ""
    roles: frozenset[str] = frozenset()
    room_roles: frozenset[RoomRole] = frozenset()
    # What the chat server tells of the account itself, when it tells it (a bot account, its
    # creation, the language chosen in its preferences): None or empty when unknown.
    is_bot: bool = False
    created_at: datetime | None = None
    language: str = ""

    @property
    def label(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True, slots=True)
class Room:
    id: str
    name: str
    type: RoomType


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file attached to a chat message, downloadable through the chat port."""

    id: str
    name: str
    mime_type: str
    size: int
    url: str


@dataclass(frozen=True, slots=True)
class ChatEvent:
    """A message posted in a room (the command message). Its subclasses in bot.events are
    things that happened to or around a message: a call started by it, a reaction, a pin."""

    message_id: str
    user: User
    room: Room
    text: str
    timestamp: datetime
    thread_id: str | None = None
    files: tuple[FileRef, ...] = ()
    # A replay is the same event however late it comes (within the dedupe table's retention).
    dedupe_window: ClassVar[timedelta | None] = None

    @property
    def dedupe_key(self) -> str:
        """What makes a replay of this event the same event."""
        return self.message_id

    @property
    def label(self) -> str:
        """Its name in the audit log and the metrics when no command names it."""
        return "message"


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    command: str


@dataclass(frozen=True, slots=True)
class Attachment:
    title: str = ""
    text: str = ""
    title_link: str | None = None
    color: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    attachments: tuple[Attachment, ...] = ()
    thread_id: str | None = None
    upload: Upload | None = None
    # A thread reply that the room shows too (Rocket.Chat's "also send to channel").
    also_in_room: bool = False
    # Same key, same message: the transport derives the outgoing id from it so that a retry
    # or a replayed event never posts twice.
    idempotency_key: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
