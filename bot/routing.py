"""Command declarations: one decorator states name, aliases, arguments, permission and help."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from bot.injection import Injected, dependencies, resolve
from bot.models import ChatEvent

if TYPE_CHECKING:
    from bot.context import Context
    from bot.services import Services

Parser = Callable[[str, "Context"], Any]
Handler = Callable[..., Awaitable[None]]
# An observer of an event type: `(ctx, event)` for an event in a room (a `ChatEvent`
# subclass: it answers through `ctx.reply`), `(event)` for one without a room.
Observer = Callable[..., Awaitable[None]]
HandlerT = TypeVar("HandlerT", bound=Handler)


def text(value: str, _ctx: Context) -> str:
    return value


class Permission(StrEnum):
    MEMBER = "member"
    CRISIS = "crisis"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Argument:
    name: str
    parser: Parser = text
    required: bool = True
    greedy: bool = False
    metavar: str | None = None
    help: str = ""
    # Words starting with this prefix, wherever they are typed, all go to this argument (a
    # list): "/tache Appeler @marie la préfecture @jean" assigns two people.
    prefix: str | None = None

    @property
    def label(self) -> str:
        return self.metavar or self.name


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    aliases: tuple[str, ...] = ()
    flag: bool = False
    multiple: bool = False
    parser: Parser = text
    metavar: str | None = None
    help: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(slots=True)
class Command:
    name: str
    handler: Handler
    aliases: tuple[str, ...] = ()
    help: str = ""
    permission: Permission = Permission.MEMBER
    arguments: list[Argument] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    examples: tuple[str, ...] = ()
    parent: Command | None = None
    subcommands: list[Command] = field(default_factory=list)
    hidden: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def path(self) -> str:
        return f"{self.parent.path} {self.name}" if self.parent else self.name

    def child(self, word: str) -> Command | None:
        """The subcommand named (or aliased) `word`."""
        lowered = word.lower()
        return next((sub for sub in self.subcommands if lowered in sub.names), None)

    def option(self, word: str) -> Option | None:
        return next((opt for opt in self.options if word in opt.names), None)


def _declared(function: Handler, attribute: str) -> list[Any]:
    found: list[Any] = getattr(function, attribute, [])
    return found


def argument(
    name: str,
    parser: Parser = text,
    *,
    required: bool = True,
    greedy: bool = False,
    metavar: str | None = None,
    help: str = "",  # noqa: A002 - the natural name in a declaration
    prefix: str | None = None,
) -> Callable[[HandlerT], HandlerT]:
    def attach(function: HandlerT) -> HandlerT:
        spec = Argument(name, parser, required, greedy, metavar, help, prefix)
        # Decorators apply bottom-up; inserting first keeps the reading order.
        function.__dict__.setdefault("__arguments__", []).insert(0, spec)
        return function

    return attach


def option(
    name: str,
    *,
    aliases: Iterable[str] = (),
    flag: bool = False,
    multiple: bool = False,
    parser: Parser = text,
    metavar: str | None = None,
    help: str = "",  # noqa: A002 - the natural name in a declaration
) -> Callable[[HandlerT], HandlerT]:
    def attach(function: HandlerT) -> HandlerT:
        spec = Option(name, tuple(aliases), flag, multiple, parser, metavar, help)
        function.__dict__.setdefault("__options__", []).insert(0, spec)
        return function

    return attach


class Router:
    """The commands of one feature module; the composition root includes every router."""

    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.observers: dict[type, list[Observer]] = {}

    def command(
        self,
        name: str,
        *,
        aliases: Iterable[str] = (),
        help: str = "",  # noqa: A002 - the natural name in a declaration
        permission: Permission = Permission.MEMBER,
        examples: Iterable[str] = (),
        hidden: bool = False,
    ) -> Callable[[Handler], Declared]:
        def register(function: Handler) -> Declared:
            declared = _command(function, name, aliases=aliases, help=help,
                                permission=permission, examples=examples, hidden=hidden)
            self.commands.append(declared)
            return Declared(declared)

        return register

    def on(self, event_type: type) -> Callable[[HandlerT], HandlerT]:
        """Registers a handler for every event of that type (bot.events), as
        `@router.on(CallStarted)`; a command message is routed by `command` instead."""

        def register(function: HandlerT) -> HandlerT:
            self.observers.setdefault(event_type, []).append(function)
            return function

        return register


def _command(  # noqa: PLR0913 - one parameter per declared field
    function: Handler,
    name: str,
    *,
    aliases: Iterable[str],
    help: str,  # noqa: A002 - the natural name in a declaration
    permission: Permission,
    examples: Iterable[str],
    hidden: bool,
) -> Command:
    return Command(
        name=name,
        handler=function,
        aliases=tuple(aliases),
        help=help,
        permission=permission,
        arguments=_declared(function, "__arguments__"),
        options=_declared(function, "__options__"),
        examples=tuple(examples),
        hidden=hidden,
    )


class Declared:
    """What `@router.command` (and `.subcommand`) return: the declared command, still callable
    as its handler, on which subcommands are declared (no name to look up, no import order)."""

    def __init__(self, command: Command) -> None:
        self.command = command

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.command.handler(*args, **kwargs)

    def subcommand(
        self,
        name: str,
        *,
        aliases: Iterable[str] = (),
        help: str = "",  # noqa: A002 - the natural name in a declaration
        permission: Permission | None = None,
        examples: Iterable[str] = (),
        hidden: bool = False,
    ) -> Callable[[Handler], Declared]:
        """A subcommand; it takes the parent's permission unless it names its own."""
        parent = self.command

        def register(function: Handler) -> Declared:
            child = _command(function, name, aliases=aliases, help=help,
                             permission=permission or parent.permission, examples=examples,
                             hidden=hidden)
            child.parent = parent
            parent.subcommands.append(child)
            return Declared(child)

        return register


class CommandTable:
    """Every command of every included router, looked up by name or alias."""

    def __init__(self, routers: Iterable[Router]) -> None:
        self.routers = list(routers)
        self.commands: list[Command] = [c for r in self.routers for c in r.commands]
        self._by_name: dict[str, Command] = {}
        for declared in self.commands:
            for word in declared.names:
                if word in self._by_name:
                    raise ValueError(f"command name /{word} declared twice")
                self._by_name[word] = declared
        # What each handler is given besides its context and arguments, prepared by `inject`.
        self.injected: dict[Callable[..., Awaitable[None]], Injected] = {}

    def inject(self, services: Services) -> None:
        """Resolves every handler's services now: a missing one fails the start, named."""
        pending = list(self.commands)
        while pending:
            command = pending.pop()
            pending.extend(command.subcommands)
            declared = [a.name for a in command.arguments] + [o.name for o in command.options]
            needed = dependencies(command.handler, declared)
            self.injected[command.handler] = resolve(services, needed, f"/{command.path}")
        for router in self.routers:
            for event_type, observers in router.observers.items():
                for observer in observers:
                    # `(ctx, event, …)` in a room, `(event, …)` without one: the rest are services.
                    first = list(inspect.signature(observer).parameters)[:2]
                    event = first[1:] if issubclass(event_type, ChatEvent) else []
                    needed = dependencies(observer, event)
                    self.injected[observer] = resolve(services, needed, observer.__qualname__)

    def observers(self, event_type: type) -> list[Observer]:
        """Every handler observing that exact type, in the order the routers were included."""
        return [h for r in self.routers for h in r.observers.get(event_type, [])]

    def find(self, word: str) -> Command | None:
        return self._by_name.get(word.lower())

    def names(self) -> list[str]:
        return list(self._by_name)
