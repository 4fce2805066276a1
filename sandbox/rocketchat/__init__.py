"""Sandbox Rocket.Chat 7.x: DDP realtime API, REST /api/v1 and a `/_sandbox/` control API."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.rocketchat.ddp.session import Heartbeat
from sandbox.rocketchat.ids import IdGenerator
from sandbox.rocketchat.runtime import Runtime
from sandbox.rocketchat.server import build_app
from sandbox.rocketchat.state import seed
from sandbox.rocketchat.state.api import SandboxState
from sandbox.server import SimulatorServer

__all__ = ["Heartbeat", "RocketChatSandbox", "SandboxState"]


class RocketChatSandbox(SimulatorServer):
    """An in-process Rocket.Chat on loopback, seeded with the shared identities."""

    # DDP websockets stay open until closed: a stop does not wait for them.
    shutdown_timeout = 1.0

    def __init__(
        self, *, seed: bool = True, heartbeat: Heartbeat | None = None,
        id_seed: int | None = None,
    ) -> None:
        """`id_seed` makes generated ids and login tokens reproducible."""
        super().__init__()
        self.state = SandboxState(ids=IdGenerator(id_seed))
        if seed:
            self.state.seed()
        self.runtime = Runtime(self.state, self.describe, heartbeat)

    def build_app(self) -> web.Application:
        return build_app(self.runtime)

    async def stopping(self) -> None:
        await self.runtime.ddp.drop_all()

    @property
    def ws_url(self) -> str:
        return self._url.replace("http://", "ws://", 1) + "/websocket"

    @property
    def bot_token(self) -> str:
        return seed.stable_token(seed.BOT_USERNAME)

    def describe(self) -> dict[str, Any]:
        store = self.state.store
        users = [{"id": u.id, "username": u.username, "name": u.name, "roles": u.roles,
                  "password": u.password} for u in store.users.values()]
        rooms = [{"id": r.id, "name": r.name, "type": r.t,
                  "members": [store.users[uid].username for uid in r.members]}
                 for r in store.rooms.values() if r.t != "d"]
        bot = store.find_user(seed.BOT_USERNAME)
        return {"url": self._url, "websocket": self.ws_url if self._url else "",
                "users": users, "rooms": rooms,
                "bot": {"username": seed.BOT_USERNAME, "user_id": bot.id if bot else None,
                        "token": self.bot_token if bot else None}}

    def env(self) -> dict[str, str]:
        bot = self.state.store.user(seed.BOT_USERNAME)
        return {"ENSEMBLE_ROCKETCHAT__URL": self._url,
                "ENSEMBLE_ROCKETCHAT__USER_ID": bot.id,
                "ENSEMBLE_ROCKETCHAT__TOKEN": self.bot_token,
                "ENSEMBLE_ROCKETCHAT__USERNAME": seed.BOT_USERNAME}
