"""An in-memory chat server: the console's transport and the recording fake of unit tests."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.errors import RoomClosed
from bot.models import ChatEvent, FileRef, Message, Room, RoomRole, RoomType, User
from bot.ports import EventSink, ResumeFrom
from bot.ports.chat import RoomNameTaken


@dataclass(frozen=True, slots=True)
class Sent:
    room_id: str
    message: Message
    message_id: str
    direct_to: str | None = None


class MemoryChat:
    """Keeps users, rooms and every message the bot sent; nothing leaves the process."""

    def __init__(self, bot_username: str = "ensemble-bot") -> None:
        self.bot_username = bot_username
        self.users: dict[str, User] = {}
        self.rooms: dict[str, Room] = {}
        self.members: dict[str, list[str]] = {}
        self.sent: list[Sent] = []
        self.files: dict[str, bytes] = {}
        self.messages: dict[str, ChatEvent] = {}
        self.deleted: list[str] = []
        self.listeners: list[Callable[[Sent], Awaitable[None]]] = []
        self._ids = itertools.count(1)
        self._ready = False
        self.sink: EventSink | None = None
        self._seen_keys: dict[str, str] = {}
        self.topics: dict[str, str] = {}
        # Rooms that take no message from the bot (an announcement room): sends are refused.
        self.read_only: set[str] = set()
        self.room_role_holders: dict[tuple[str, str], frozenset[RoomRole]] = {}
        self.archived: list[str] = []
        self.edits: dict[str, str] = {}  # message id → its latest text
        self.pinned: list[str] = []
        self.add_user(User("bot", bot_username, "ENSEMBLE", frozenset({"bot"})))

    async def start(self, sink: EventSink, resume_from: ResumeFrom) -> None:
        # Nothing is said here while the bot is away: there is nothing to catch up.
        self.sink = sink
        self._ready = True

    async def stop(self) -> None:
        self._ready = False

    async def close(self) -> None:
        self._ready = False

    @property
    def ready(self) -> bool:
        return self._ready

    def event(
        self, user: User, room: Room, text: str, *, thread_id: str | None = None
    ) -> ChatEvent:
        """A message typed by a user, as the transport would deliver it."""
        event = ChatEvent(
            # Unique across sessions: `console --persist` keeps the processed ids in its store.
            message_id=f"in-{uuid.uuid4().hex}",
            user=user,
            room=room,
            text=text,
            timestamp=datetime.now(UTC),
            thread_id=thread_id,
        )
        self.messages[event.message_id] = event
        return event

    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        return user

    def add_room(self, room: Room, member_ids: list[str]) -> Room:
        self.rooms[room.id] = room
        self.members[room.id] = list(member_ids)
        return room

    def direct_room_id(self, username: str) -> str:
        return f"dm-{username}"

    async def send(self, room_id: str, message: Message) -> str:
        if room_id in self.read_only:
            raise RoomClosed(room_id, "room is readonly")
        return await self._record(room_id, message, None)

    async def send_direct(self, username: str, message: Message) -> str:
        room_id = self.direct_room_id(username)
        if room_id not in self.rooms:
            self.rooms[room_id] = Room(id=room_id, name=username, type=RoomType.DIRECT)
        return await self._record(room_id, message, username)

    async def _record(self, room_id: str, message: Message, direct_to: str | None) -> str:
        key = message.idempotency_key
        if key is not None and key in self._seen_keys:
            return self._seen_keys[key]
        message_id = f"m{next(self._ids)}"
        if key is not None:
            self._seen_keys[key] = message_id
        sent = Sent(room_id=room_id, message=message, message_id=message_id, direct_to=direct_to)
        self.sent.append(sent)
        for listener in self.listeners:
            await listener(sent)
        return message_id

    async def user(self, user_id: str) -> User | None:
        return self.users.get(user_id)

    async def user_by_username(self, username: str) -> User | None:
        wanted = username.lstrip("@").lower()
        return next((u for u in self.users.values() if u.username.lower() == wanted), None)

    async def room(self, room_id: str) -> Room | None:
        return self.rooms.get(room_id)

    async def room_by_name(self, name: str) -> Room | None:
        wanted = name.lstrip("#").lower()
        return next((r for r in self.rooms.values() if r.name.lower() == wanted), None)

    async def users_with_role(self, role: str) -> list[User]:
        return sorted((u for u in self.users.values() if role in u.roles),
                      key=lambda u: u.username)

    async def room_members(self, room_id: str) -> list[User]:
        return [self.users[i] for i in self.members.get(room_id, []) if i in self.users]

    async def is_member(self, room_id: str, user: User) -> bool:
        return user.id in self.members.get(room_id, [])

    async def room_roles(self, room_id: str, user_id: str) -> frozenset[RoomRole]:
        return self.room_role_holders.get((room_id, user_id), frozenset())

    async def message(self, message_id: str) -> ChatEvent | None:
        return self.messages.get(message_id)

    async def download(self, file: FileRef) -> bytes:
        return self.files[file.id]

    async def delete_message(self, room_id: str, message_id: str) -> bool:
        self.deleted.append(message_id)
        return True

    async def update_message(self, room_id: str, message_id: str, text: str) -> None:
        self.edits[message_id] = text

    async def pin_message(self, message_id: str) -> None:
        self.pinned.append(message_id)

    async def create_private_room(self, name: str, members: list[str]) -> Room:
        if any(room.name == name for room in self.rooms.values()):
            raise RoomNameTaken(name)
        room = Room(id=f"r{next(self._ids)}", name=name, type=RoomType.PRIVATE)
        ids = [u.id for u in self.users.values() if u.username in members]
        return self.add_room(room, ids)

    async def invite(self, room_id: str, user_id: str) -> None:
        self.members.setdefault(room_id, []).append(user_id)

    async def kick(self, room_id: str, user_id: str) -> None:
        self.members[room_id] = [m for m in self.members.get(room_id, []) if m != user_id]

    async def set_topic(self, room_id: str, topic: str) -> None:
        self.topics[room_id] = topic

    async def archive(self, room_id: str) -> None:
        self.archived.append(room_id)

    def texts(self, room_id: str | None = None) -> list[str]:
        return [s.message.text for s in self.sent if room_id is None or s.room_id == room_id]

    def dms(self, username: str) -> list[Message]:
        return [s.message for s in self.sent if s.direct_to == username]
