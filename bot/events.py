"""Every kind of inbound event, typed: what `Dispatcher.feed` takes and routers observe.

A command message is a `ChatEvent` itself (bot.models). Things that happen to or around a
message in a room (a call started by it, a reaction, a pin, a membership change told by a
system message) are its subclasses, so a handler answers them in the room like a command,
through the same `Context`. A board change and a scheduled tick have no room: they pass
through the pipeline's metrics, audit (board changes) and error handling only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from bot.models import ChatEvent, User
from bot.ports.boards import BoardEvent

Job = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class CallStarted(ChatEvent):
    """Someone pressed the call button: `message_id` is the call's own message."""

    call_id: str = ""

    @property
    def label(self) -> str:
        return "call"


@dataclass(frozen=True, slots=True)
class ReactionAdded(ChatEvent):
    """`user` put `reaction` (":+1:") on the message `message_id`, whose text is `text`."""

    reaction: str = ""

    @property
    def dedupe_key(self) -> str:
        # The message's id is shared by every reaction to it and by the message itself.
        return f"{self.message_id}:reaction:{self.reaction}:{self.user.id or self.user.username}"

    @property
    def label(self) -> str:
        return "reaction"


@dataclass(frozen=True, slots=True)
class MessagePinned(ChatEvent):
    """`user` pinned the message `message_id`; `pinned_at` tells this pin from a later one."""

    pinned_at: datetime | None = None

    @property
    def dedupe_key(self) -> str:
        at = self.pinned_at.isoformat() if self.pinned_at else ""
        return f"{self.message_id}:pinned:{at}"

    @property
    def label(self) -> str:
        return "pin"


class Membership(StrEnum):
    ADDED = "added"  # by someone else, or joined by themselves
    REMOVED = "removed"  # by someone else, or left by themselves


@dataclass(frozen=True, slots=True)
class MembershipChanged(ChatEvent):
    """`member` was added to or removed from the room; `user` is who did it (the member
    themselves when they joined or left). `message_id` is the system message telling it."""

    member: User = field(default_factory=lambda: User("", ""))
    change: Membership = Membership.ADDED

    @property
    def label(self) -> str:
        return f"membership {self.change}"


@dataclass(frozen=True, slots=True)
class FilePosted(ChatEvent):
    """Someone posted a message with files (`files`): told besides the message itself, which
    may also be a command, so that features can react to what was attached."""

    @property
    def dedupe_key(self) -> str:
        return f"{self.message_id}:files"

    @property
    def label(self) -> str:
        return "file posted"


@dataclass(frozen=True, slots=True)
class AttachmentMoved(ChatEvent):
    """A feature moved the files (`files`) of the message `message_id` out of the chat to the
    file service at `user`'s request: whoever counts what the chat was spared observes it."""

    @property
    def dedupe_key(self) -> str:
        return f"{self.message_id}:moved"

    @property
    def label(self) -> str:
        return "attachment moved"


@dataclass(frozen=True, slots=True)
class BoardChanged:
    """A card changed on a linked board, told by the board server's webhook."""

    board: BoardEvent
    # Wekan posts the same delivery to a board's hook and to a global hook: told once. The
    # same change made again later (a card moved back and forth) is told again.
    dedupe_window: ClassVar[timedelta | None] = timedelta(minutes=5)

    @property
    def dedupe_key(self) -> str:
        return f"board:{self.board.key}"

    @property
    def label(self) -> str:
        return f"board {self.board.kind}"


@dataclass(frozen=True, slots=True)
class Tick:
    """A scheduled job's turn to run (the scheduler's named job)."""

    name: str
    job: Job = field(compare=False)

    @property
    def label(self) -> str:
        return f"tick {self.name}"


Event = ChatEvent | BoardChanged | Tick
# An event whose source retries it after a failure (the board inbox): its dedupe claim is
# released on failure instead of being marked done, so that the retry is not a duplicate.
RETRIED_BY_SOURCE: tuple[type, ...] = (BoardChanged,)


def is_command_message(event: Event) -> bool:
    """A message someone typed, not something that happened to one."""
    return type(event) is ChatEvent


class Pipeline:
    """Late-bound entry into the dispatcher, for features built before it (the board inbox).

    `feed` returns once the event went through the middleware chain; it raises the
    handler's failure for events without a room to answer in, so that their source can retry.
    """

    def __init__(self) -> None:
        self._feed: Callable[[Event], Awaitable[bool]] | None = None

    def bind(self, feed: Callable[[Event], Awaitable[bool]]) -> None:
        self._feed = feed

    async def feed(self, event: Event) -> bool:
        if self._feed is None:
            raise RuntimeError("the pipeline is not built yet")
        return await self._feed(event)
