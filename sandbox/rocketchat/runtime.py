"""What one running simulator owns, and the application key its route handlers find it by."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from sandbox.rocketchat.ddp.server import DdpServer
from sandbox.rocketchat.ddp.session import Heartbeat
from sandbox.rocketchat.faults import Faults
from sandbox.rocketchat.ratelimit import RateLimiter
from sandbox.rocketchat.rest.app import RestApi
from sandbox.rocketchat.state.api import SandboxState


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
        self.rest = RestApi(state, self.faults, self.limiter)
        self.describe = describe

    async def restart(self) -> int:
        """Like a server restart: sockets and DDP sessions go, tokens and data stay."""
        self.limiter.reset()
        return await self.ddp.drop_all()


RUNTIME_KEY: web.AppKey[Runtime] = web.AppKey("rocketchat_runtime", Runtime)
