"""The chat server as the core sees it, and the clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from bot.models import ChatEvent, FileRef, Message, Room, RoomRole, User

EventSink = Callable[[ChatEvent], Awaitable[None]]
# Asked at the start of each session: the oldest moment whose messages may still be answered.
ResumeFrom = Callable[[], Awaitable[datetime]]


class RoomNameTaken(Exception):
    """A room with that name exists already (maybe one the bot cannot see)."""


class Clock(Protocol):
    def now(self) -> datetime: ...


class ChatPort(Protocol):
    """What the bot needs from the chat server."""

    bot_username: str

    async def send(self, room_id: str, message: Message) -> str: ...

    async def send_direct(self, username: str, message: Message) -> str: ...

    async def user(self, user_id: str) -> User | None: ...

    async def user_by_username(self, username: str) -> User | None: ...

    async def room_by_name(self, name: str) -> Room | None: ...

    async def users_with_role(self, role: str) -> list[User]:
        """Everyone holding that global role on the chat server (all pages)."""
        ...

    async def room_members(self, room_id: str) -> list[User]: ...

    async def is_member(self, room_id: str, user: User) -> bool:
        """Whether the user is in the room, without listing a big room's members."""
        ...

    async def room_roles(self, room_id: str, user_id: str) -> frozenset[RoomRole]:
        """Roles a user holds in one room, not the global ones."""
        ...

    async def message(self, message_id: str) -> ChatEvent | None: ...

    async def download(self, file: FileRef) -> bytes: ...

    async def delete_message(self, room_id: str, message_id: str) -> bool: ...

    async def update_message(self, room_id: str, message_id: str, text: str) -> None:
        """Replaces the text of a message the bot sent (a card kept up to date in place)."""
        ...

    async def pin_message(self, message_id: str) -> None: ...

    # private rooms (a crisis cell's) ------------------------------------------------------

    async def create_private_room(self, name: str, members: list[str]) -> Room:
        """A private room with these usernames in it, in one call whatever their number."""
        ...

    async def invite(self, room_id: str, user_id: str) -> None: ...

    async def kick(self, room_id: str, user_id: str) -> None: ...

    async def set_topic(self, room_id: str, topic: str) -> None: ...

    async def archive(self, room_id: str) -> None:
        """Read-only from now on, history kept."""
        ...

class ChatTransport(ChatPort, Protocol):
    """A chat port that also delivers events and has a life cycle."""

    async def start(self, sink: EventSink, resume_from: ResumeFrom) -> None:
        """Delivers events to `sink`; after each (re)connection, first what was said since
        `resume_from()` and within the catch-up window, then live ones."""
        ...

    async def stop(self) -> None:
        """Stops receiving; sending still works (a replica that steps down may start again)."""
        ...

    async def close(self) -> None:
        """Final: after the commands in flight are drained, releases everything."""
        ...

    @property
    def ready(self) -> bool: ...
