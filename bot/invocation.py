"""One event on its way through the middleware chain; each step fills in what it learns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.context import Context
from bot.i18n import Translator
from bot.models import ChatEvent, User
from bot.routing import Command

# The metric and audit name of input that named no declared command: what the user typed may
# be anything, a password included, and must never become a label or an audit entry.
UNKNOWN_COMMAND = "unknown"


@dataclass
class Invocation:
    event: ChatEvent
    correlation_id: str
    translator: Translator
    user: User
    line: str = ""
    # "/x" or "!x"; False for plain text to the bot (a DM, a mention), which may be a sentence.
    prefixed: bool = True
    words: list[str] = field(default_factory=list)
    command: Command | None = None
    is_call: bool = False
    context: Context | None = None
    outcome: str = "ok"
    # The outside service whose failure ended the command, if one did.
    failed_service: str | None = None

    @property
    def command_path(self) -> str:
        if self.is_call:
            return "call"
        if self.command is not None:
            return self.command.path
        return UNKNOWN_COMMAND


Next = Callable[[Invocation], Awaitable[None]]
Middleware = Callable[[Invocation, Next], Awaitable[None]]
