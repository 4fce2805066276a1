"""What every handler receives: who, where, how to answer, and the services."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bot.config import Settings
from bot.errors import RoomClosed
from bot.events import CallStarted, CommandInvoked
from bot.i18n import N_, Translator
from bot.models import (
    ROOM_MANAGERS,
    Attachment,
    ChatEvent,
    Message,
    Room,
    RoomType,
    Upload,
    User,
)
from bot.ports import ChatPort, Clock
from bot.sanitize import neutralise_mass_mentions
from bot.services import Services
from bot.store import Database


async def answer_where_possible(
    chat: ChatPort, event: ChatEvent, message: Message, translator: Translator
) -> str:
    """In the command's room; by direct message, naming the room, when the room takes no
    message from the bot (an announcement room, say)."""
    try:
        return await chat.send(event.room.id, message)
    except RoomClosed:
        note = translator.t(
            N_("I cannot write in #{room}, so here is my answer:"), room=event.room.name
        )
        key = f"{message.idempotency_key}:dm" if message.idempotency_key else None
        direct = replace(message, text=f"{note}\n{message.text}", thread_id=None,
                         also_in_room=False, idempotency_key=key)
        return await chat.send_direct(event.user.username, direct)


def reply_thread(event: ChatEvent) -> tuple[str | None, bool]:
    """Where answers go: the command's thread (started on it when it had none, and then also
    shown in the room), as Rocket.Chat's own clients reply (`tmid` = the thread's root, Rocket.Chat
    7.x packages/core-typings/src/IMessage/IMessage.ts); DMs stay flat."""
    if event.room.type is RoomType.DIRECT or isinstance(event, CommandInvoked):
        # A native slash command posts no message: a thread only where it was typed in one.
        return event.thread_id, False
    if isinstance(event, CallStarted):  # the room already shows the call message itself
        return event.thread_id or event.message_id, False
    return event.thread_id or event.message_id, event.thread_id is None


@dataclass
class Context:
    event: ChatEvent
    user: User
    translator: Translator
    chat: ChatPort
    services: Services
    database: Database
    settings: Settings
    clock: Clock
    correlation_id: str
    _sent: int = field(default=0, repr=False)

    @property
    def room(self) -> Room:
        return self.event.room

    @property
    def thread_id(self) -> str | None:
        return self.event.thread_id

    @property
    def locale(self) -> str:
        return self.translator.language

    def t(self, message: str, /, **params: Any) -> str:
        return self.translator.t(message, **params)

    def tn(self, singular: str, plural: str, count: int, /, **params: Any) -> str:
        return self.translator.tn(singular, plural, count, **params)

    @property
    def is_admin(self) -> bool:
        return bool(self.user.roles & frozenset(self.settings.admin_roles))

    @property
    def moderates_room(self) -> bool:
        """An administrator, or an owner or moderator of the room the command was typed in."""
        return self.is_admin or bool(self.user.room_roles & ROOM_MANAGERS)

    def _next_key(self, action: str) -> str:
        self._sent += 1
        return f"{self.event.message_id}:{action}:{self._sent}"

    async def reply(
        self,
        text: str,
        *,
        attachments: tuple[Attachment, ...] = (),
        upload: Upload | None = None,
    ) -> str:
        """Answers in the room, in the thread of the command; by direct message when the room
        takes no message from the bot (an announcement room, say)."""
        thread_id, also_in_room = reply_thread(self.event)
        message = Message(
            text=neutralise_mass_mentions(text),
            attachments=attachments,
            thread_id=thread_id,
            also_in_room=also_in_room,
            upload=upload,
            idempotency_key=self._next_key("reply"),
        )
        return await answer_where_possible(self.chat, self.event, message, self.translator)

    async def dm(
        self,
        text: str,
        *,
        username: str | None = None,
        attachments: tuple[Attachment, ...] = (),
    ) -> str:
        """A direct message, to the caller by default: the only place for personal secrets."""
        target = username or self.user.username
        message = Message(
            text=neutralise_mass_mentions(text),
            attachments=attachments,
            idempotency_key=self._next_key(f"dm-{target}"),
        )
        return await self.chat.send_direct(target, message)
