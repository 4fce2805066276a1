"""Assembles the aiohttp application: DDP, REST, file downloads and the control API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from sandbox.rocketchat import control
from sandbox.rocketchat.ddp.server import DdpServer
from sandbox.rocketchat.ddp.session import Heartbeat
from sandbox.rocketchat.faults import Faults
from sandbox.rocketchat.files import file_handler
from sandbox.rocketchat.ratelimit import RateLimiter
from sandbox.rocketchat.rest.app import RestApi
from sandbox.rocketchat.state.api import SandboxState

MAX_REQUEST_BYTES = 1024 * 1024 * 1024


class Runtime:
    """Everything one running simulator owns."""

    def __init__(
        self, state: SandboxState, describe: Callable[[], dict[str, Any]],
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self.state = state
        self.faults = Faults()
        self.limiter = RateLimiter()
        self.ddp = DdpServer(state.store, self.faults, heartbeat)
        self.describe = describe

    async def restart(self) -> int:
        """Like a server restart: sockets and DDP sessions go, tokens and data stay."""
        self.limiter.reset()
        return await self.ddp.drop_all()

    def build_app(self) -> web.Application:
        # aiohttp refuses bodies above 1 MiB (413) by default; Rocket.Chat takes files up to
        # FileUpload_MaxFileSize (100 MiB by default) and checks that setting itself (see
        # state/uploads.stage). This cap only bounds the transport, base64 of the control
        # API included.
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        app.router.add_get("/websocket", self.ddp.handle)
        app.router.add_get("/sockjs/websocket", self.ddp.handle)
        RestApi(self.state, self.faults, self.limiter).register(app)
        app.router.add_get("/file-upload/{file_id}/{name}", file_handler(self.state.store))
        control.register(app, self)
        app.router.add_get("/api/info", _info)
        return app


async def _info(request: web.Request) -> web.Response:
    return web.json_response({"version": "7.13.0", "success": True})
