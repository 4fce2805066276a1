"""In-process fake Nextcloud 30 (OCS + WebDAV) that nc-py-api 0.30 talks to unchanged."""

from __future__ import annotations

from aiohttp import web

from ..server import SimulatorServer
from .app import build_app
from .seed import AGENTS, BOT, ROOM_GROUPS, seed
from .state import NextcloudState

__all__ = ["NextcloudSandbox", "NextcloudState"]


class NextcloudSandbox(SimulatorServer):
    """Start/stop a loopback Nextcloud; `state` is there for tests that want to poke at it."""

    access_log = False

    def __init__(self, *, seed: bool = True, language: str = "fr") -> None:
        """`language` is every seeded account's: the server answers OCS calls in it."""
        super().__init__()
        self.state = NextcloudState()
        self._secrets: dict[str, str] = {}
        if seed:
            self._secrets = _seed(self.state)
            for account in self.state.directory.accounts.values():
                account.language = language

    def build_app(self) -> web.Application:
        return build_app(self.state)

    @property
    def url(self) -> str:
        if not self._url:
            raise RuntimeError("NextcloudSandbox is not started")
        return self._url

    @property
    def bot_app_password(self) -> str:
        return self._secrets.get("bot_app_password", "")

    async def run_webhooks(self) -> list[dict[str, object]]:
        """Deliver queued webhook_listeners calls, as the next cron run would."""
        return list(await self.state.webhooks.run())

    def describe(self) -> dict[str, object]:
        return {
            "url": self._url,
            "bot": {"username": BOT, "app_password": self.bot_app_password},
            "admin": {"username": "admin", "password": "admin-sandbox-password"},
            "agents": {uid: {"display_name": name, "password": f"{uid}-sandbox-password"}
                       for uid, name in AGENTS.items()},
            "groups": {gid: sorted(members) for gid, members in ROOM_GROUPS.items()},
            "control": f"{self._url}/_sandbox/",
        }

    def env(self) -> dict[str, str]:
        return {
            "ENSEMBLE_NEXTCLOUD__URL": self.url,
            "ENSEMBLE_NEXTCLOUD__USERNAME": BOT,
            "ENSEMBLE_NEXTCLOUD__APP_PASSWORD": self.bot_app_password,
        }


_seed = seed
