"""One event on its way through the middleware chain; each step fills in what it learns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.context import Context
from bot.events import Event, is_command_message
from bot.i18n import Translator
from bot.models import ChatEvent, User
from bot.routing import Command, Observer
from bot.store.repositories import Write

# The metric and audit name of input that named no declared command: what the user typed may
# be anything, a password included, and must never become a label or an audit entry.
UNKNOWN_COMMAND = "unknown"
# Who a board change or a tick is audited as: no chat user is behind them.
NOBODY = User("", "")


@dataclass(frozen=True)
class Bookkeeping:
    """A row about the event (its audit entry), written in the transaction that marks the
    event done, or on its own by `alone` when that transaction failed."""

    write: Write
    alone: Callable[[], Awaitable[None]]


@dataclass
class Invocation:
    event: Event
    correlation_id: str
    translator: Translator
    user: User
    line: str = ""
    # "/x" or "!x"; False for plain text to the bot (a DM, a mention), which may be a sentence.
    prefixed: bool = True
    words: list[str] = field(default_factory=list)
    command: Command | None = None
    # The handlers that observe this event's type; empty for a command message.
    observers: list[Observer] = field(default_factory=list)
    context: Context | None = None
    outcome: str = "ok"
    # The outside service whose failure ended the command, if one did.
    failed_service: str | None = None
    # Set by the dedupe step: rows it writes with its mark at the end (None: write your own).
    bookkeeping: list[Bookkeeping] | None = None

    @property
    def is_command(self) -> bool:
        return is_command_message(self.event)

    @property
    def chat_event(self) -> ChatEvent | None:
        """The message behind the event, when it happened in a room."""
        return self.event if isinstance(self.event, ChatEvent) else None

    @property
    def command_path(self) -> str:
        if self.command is not None:
            return self.command.path
        if self.is_command:
            return UNKNOWN_COMMAND
        return self.event.label


Next = Callable[[Invocation], Awaitable[None]]
Middleware = Callable[[Invocation, Next], Awaitable[None]]
