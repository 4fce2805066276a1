"""Sandbox Wekan: REST + outgoing webhooks on loopback, faithful to wekan/wekan v11.07."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from ..server import SimulatorServer
from . import seed as seeding
from .app import build_app
from .store import Switches, WekanStore
from .webhooks import Dispatcher

__all__ = ["Switches", "WekanSandbox", "WekanStore"]


class WekanSandbox(SimulatorServer):
    """An in-process Wekan (v11 behaviour by default, `legacy` profile by switch)."""

    def __init__(self, *, seed: bool = True, allow_private_webhooks: bool = False) -> None:
        super().__init__()
        self.store = WekanStore()
        self.store.switches.allow_private_webhooks = allow_private_webhooks
        self.seeded = seeding.seed(self.store) if seed else None
        self.dispatcher = Dispatcher(self.store)
        self.store.listeners.append(self.dispatcher)

    def build_app(self) -> web.Application:
        return build_app(self.store, self.dispatcher)

    async def started(self) -> None:
        self.dispatcher.root_url = self._url
        self.dispatcher.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))

    async def stopping(self) -> None:
        await self.dispatcher.drain()
        if self.dispatcher.session is not None:
            await self.dispatcher.session.close()
            self.dispatcher.session = None

    def describe(self) -> dict[str, object]:
        seeded = self.seeded
        return {
            "url": self._url,
            "users": [
                {"username": u.username, "id": u.id, "fullname": u.fullname,
                 "admin": u.is_admin} for u in self.store.users.values()
            ],
            "passwords": {seeding.BOT_USERNAME: seeding.BOT_PASSWORD,
                          "admin": seeding.ADMIN_PASSWORD, "agents": seeding.AGENT_PASSWORD},
            "webhook_token": seeding.WEBHOOK_TOKEN,
            "board": None if seeded is None else {
                "id": seeded.board_id, "title": seeding.BOARD_TITLE,
                "swimlane_id": seeded.swimlane_id, "lists": seeded.list_ids,
            },
        }

    def env(self) -> dict[str, str]:
        return {
            "ENSEMBLE_WEKAN__URL": self._url,
            "ENSEMBLE_WEKAN__USERNAME": seeding.BOT_USERNAME,
            "ENSEMBLE_WEKAN__PASSWORD": seeding.BOT_PASSWORD,
            "ENSEMBLE_WEKAN__WEBHOOK_TOKEN": seeding.WEBHOOK_TOKEN,
        }
