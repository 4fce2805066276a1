"""The outside services available to handlers, looked up by the port they implement."""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

from bot.errors import ServiceNotConfigured

PortT = TypeVar("PortT")


class ServiceKey(Generic[PortT]):
    """A typed key for a port that is a Protocol (mypy refuses a Protocol where `type[T]` goes).

    Declared next to its port: `FILES = ServiceKey[FilesPort]("Nextcloud")`.
    """

    def __init__(self, service_label: str) -> None:
        self.service_label = service_label

    def __repr__(self) -> str:
        return f"ServiceKey({self.service_label!r})"


Key = ServiceKey[PortT] | type[PortT]


class Services:
    def __init__(self) -> None:
        self._by_key: dict[object, Any] = {}

    def register(self, key: Key[PortT], implementation: PortT) -> None:
        self._by_key[key] = implementation

    def get(self, key: Key[PortT]) -> PortT:
        """The implementation behind a key; raises ServiceNotConfigured when there is none."""
        if key not in self._by_key:
            label = getattr(key, "service_label", getattr(key, "__name__", str(key)))
            raise ServiceNotConfigured(label)
        return cast(PortT, self._by_key[key])

    def optional(self, key: Key[PortT]) -> PortT | None:
        return cast(PortT | None, self._by_key.get(key))
