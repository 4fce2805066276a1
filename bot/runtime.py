"""What a feature plugs itself into: settings, store, services, scheduler, web, hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.events import Pipeline
from bot.i18n import Catalogs
from bot.metrics import Metrics
from bot.ports import ChatTransport, Clock
from bot.routes import Routes
from bot.routing import Router
from bot.scheduler import Scheduler
from bot.services import Key, PortT, Services
from bot.store import Database

if TYPE_CHECKING:
    from aiohttp import web

Hook = Callable[[], Awaitable[None]]


@dataclass
class Runtime:
    settings: Settings
    database: Database
    catalogs: Catalogs
    services: Services
    chat: ChatTransport
    scheduler: Scheduler
    # The HTTP application of `routes`, made at its first need (aiohttp with it).
    web_builder: Callable[[Routes], web.Application]
    metrics: Metrics
    clock: Clock
    routers: list[Router] = field(default_factory=list)
    on_start: list[Hook] = field(default_factory=list)
    on_stop: list[Hook] = field(default_factory=list)
    readiness: dict[str, Callable[[], Awaitable[bool]]] = field(default_factory=dict)
    # Where a feature hands an inbound event it received itself (a webhook) to the pipeline.
    pipeline: Pipeline = field(default_factory=Pipeline)
    # Where a feature adds its webhooks and pages (`routes.add_post(path, handler)`).
    routes: Routes = field(default_factory=Routes)
    _web: web.Application | None = field(default=None, init=False, repr=False)

    @property
    def web(self) -> web.Application:
        """The HTTP application serving the routes (those added later too)."""
        if self._web is None:
            self._web = self.web_builder(self.routes)
        return self._web

    def provide(self, key: Key[PortT], implementation: PortT) -> None:
        """Offers a service (a port's implementation, a store) to handlers and features."""
        self.services.register(key, implementation)

