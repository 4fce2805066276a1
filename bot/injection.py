"""Handlers' services, read from their signatures and resolved once, when the table is built.

A handler names what it uses after `ctx`, beside its arguments:

    async def share(ctx: Context, files: Annotated[FilesPort, FILES_PORT],
                    records: ShareRecords, chemin: str | None) -> None

A port (a Protocol: mypy refuses it where `type[T]` goes) is named by its `ServiceKey` in
`Annotated`; a concrete service (a store, a settings section) by its class. `X | None` asks for
None when nobody provides X. Resolution happens at start, so a service nobody registered fails
the start naming the command and the service, not the first user who types the command.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn, Union, get_args, get_origin, get_type_hints

from bot.errors import ServiceNotConfigured
from bot.services import ServiceKey, Services

Injected = dict[str, Any]


class MissingService(RuntimeError):
    """A handler needs a service no feature provides: a wiring mistake, found at start."""


@dataclass(frozen=True, slots=True)
class Dependency:
    parameter: str
    key: object
    optional: bool


class NotConfigured:
    """Stands in for an outside service whose settings are unset (Jitsi, Nextcloud, Wekan).

    A stand-in rather than a refusal before the call: as when handlers looked their services
    up, a command answers "not set up on this platform" only when it really reaches for the
    service, so its own checks (a bad number, a missing share) still answer first."""

    def __init__(self, label: str) -> None:
        self._label = label

    def __getattr__(self, name: str) -> NoReturn:
        raise ServiceNotConfigured(self._label)

    def __repr__(self) -> str:
        return f"NotConfigured({self._label!r})"


def require(service: object) -> None:
    """Raises ServiceNotConfigured now when `service` is a stand-in: for a command that needs
    the service later, after effects it should not have had."""
    if isinstance(service, NotConfigured):
        service.__getattr__("configured")


def label(key: object) -> str:
    return str(getattr(key, "service_label", getattr(key, "__name__", key)))


def _optional(hint: Any) -> tuple[Any, bool]:
    """The hint without `| None`, and whether it had it."""
    if get_origin(hint) in (Union, types.UnionType):
        members = [member for member in get_args(hint) if member is not type(None)]
        if len(members) == 1 and len(members) < len(get_args(hint)):
            return members[0], True
    return hint, False


def dependencies(handler: Callable[..., Any], arguments: Iterable[str]) -> list[Dependency]:
    """The parameters of `handler` after the first (the context) that are not its declared
    arguments or options, each with the key it is resolved by."""
    declared = set(arguments)
    hints = get_type_hints(handler, include_extras=True)
    parameters = list(inspect.signature(handler).parameters)[1:]
    found = []
    for name in parameters:
        if name in declared:
            continue
        hint = hints.get(name)
        key: object = None
        optional = False
        if get_origin(hint) is Annotated:
            inner, *metadata = get_args(hint)
            key = next((item for item in metadata if isinstance(item, ServiceKey)), None)
            optional = _optional(inner)[1]
        else:
            hint, optional = _optional(hint)
            key = hint if isinstance(hint, type) else None
        if key is None:
            raise TypeError(
                f"{handler.__qualname__}: parameter {name!r} is neither a declared argument "
                "nor a service (a class, or Annotated[Port, PORT_KEY])"
            )
        found.append(Dependency(name, key, optional))
    return found


def resolve(services: Services, needed: list[Dependency], where: str) -> Injected:
    """The keyword arguments for one handler; `where` names it in the error."""
    resolved: Injected = {}
    for dependency in needed:
        implementation = services.optional(dependency.key)  # type: ignore[arg-type]
        if implementation is None and not dependency.optional:
            if not isinstance(dependency.key, ServiceKey):
                raise MissingService(
                    f"{where} needs the service {label(dependency.key)}, which no enabled "
                    "feature provides"
                )
            implementation = NotConfigured(dependency.key.service_label)
        resolved[dependency.parameter] = implementation
    return resolved
