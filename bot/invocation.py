"""One event on its way through the middleware chain; each step fills in what it learns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.context import Context
from bot.i18n import Translator
from bot.models import ChatEvent, User
from bot.routing import Command


@dataclass
class Invocation:
    event: ChatEvent
    correlation_id: str
    translator: Translator
    user: User
    line: str = ""
    words: list[str] = field(default_factory=list)
    command: Command | None = None
    is_call: bool = False
    context: Context | None = None
    outcome: str = "ok"

    @property
    def command_path(self) -> str:
        if self.is_call:
            return "call"
        if self.command is not None:
            return self.command.path
        return self.line.split(maxsplit=1)[0].lower() if self.line.strip() else ""


Next = Callable[[Invocation], Awaitable[None]]
Middleware = Callable[[Invocation, Next], Awaitable[None]]
