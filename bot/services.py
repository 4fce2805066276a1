"""The outside services available to handlers, looked up by the port they implement."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from bot.errors import ServiceUnavailable

PortT = TypeVar("PortT")


class Services:
    def __init__(self) -> None:
        self._by_port: dict[type[Any], Any] = {}

    def register(self, port: type[PortT], implementation: PortT) -> None:
        self._by_port[port] = implementation

    def get(self, port: type[PortT]) -> PortT:
        """The implementation of a port; raises ServiceUnavailable when not configured."""
        if port not in self._by_port:
            label = getattr(port, "service_label", port.__name__)
            raise ServiceUnavailable(label, "not configured")
        return cast(PortT, self._by_port[port])

    def optional(self, port: type[PortT]) -> PortT | None:
        return cast(PortT | None, self._by_port.get(port))
