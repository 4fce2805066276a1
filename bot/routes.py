"""The HTTP routes features add, kept until the bot serves them: aiohttp is loaded only by a
process that answers HTTP (`run`, a test's server), never by the console."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    handler: Handler


class Routes:
    def __init__(self) -> None:
        self._routes: list[Route] = []
        self._mounted: Callable[[Route], None] | None = None

    def add_get(self, path: str, handler: Handler) -> None:
        self._add(Route("GET", path, handler))

    def add_post(self, path: str, handler: Handler) -> None:
        self._add(Route("POST", path, handler))

    def mount(self, add: Callable[[Route], None]) -> None:
        """Hands every route to `add`, and each one added from now on."""
        self._mounted = add
        for route in self._routes:
            add(route)

    def __iter__(self) -> Iterator[Route]:
        return iter(self._routes)

    def _add(self, route: Route) -> None:
        self._routes.append(route)
        if self._mounted is not None:
            self._mounted(route)
