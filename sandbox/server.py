"""What the three simulators share: one aiohttp application on a loopback host and port.

Each simulator says what differs (its middlewares, its body-size cap, its route tables and
what it does right after starting or before stopping); starting, stopping and the base URL
are written once here. Routes are declared one way everywhere: a module-level
`routes = web.RouteTableDef()` per module, mounted in order by `build_app`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from aiohttp import web
from aiohttp.typedefs import Middleware

# aiohttp's own default (1 MiB), for a simulator whose server keeps no larger cap of its own.
DEFAULT_MAX_BODY = 1024**2


def build_app(
    routes: Iterable[web.RouteTableDef],
    *,
    middlewares: Sequence[Middleware] = (),
    max_body: int = DEFAULT_MAX_BODY,
) -> web.Application:
    """The application with the middlewares outermost first and every table's routes, in the
    order given (aiohttp matches resources in registration order)."""
    app = web.Application(middlewares=list(middlewares), client_max_size=max_body)
    for table in routes:
        app.router.add_routes(table)
    return app


class SimulatorServer(ABC):
    """One simulated server, started on a host and port (0: any free port)."""

    # How long a stop waits for requests in flight (aiohttp's default is 60 s).
    shutdown_timeout: ClassVar[float] = 60.0
    access_log: ClassVar[bool] = True

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._url = ""

    @abstractmethod
    def build_app(self) -> web.Application:
        """The simulator's aiohttp application, built with `build_app` below."""

    async def started(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Runs once the server listens and `url` is known."""

    async def stopping(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Runs before the server closes its sockets."""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        options: dict[str, Any] = {} if self.access_log else {"access_log": None}
        runner = web.AppRunner(
            self.build_app(), shutdown_timeout=self.shutdown_timeout, **options
        )
        await runner.setup()
        await web.TCPSite(runner, host, port).start()
        self._runner = runner
        bound = runner.addresses[0][1]
        self._url = f"http://{host}:{bound}"
        await self.started()
        return self._url

    async def stop(self) -> None:
        await self.stopping()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        """The base URL, "" before `start`."""
        return self._url
