"""In-process fake Nextcloud 30 (OCS + WebDAV) that nc-py-api 0.30 talks to unchanged."""

from __future__ import annotations

from aiohttp import web

from .app import build_app
from .seed import AGENTS, BOT, ROOM_GROUPS, seed
from .state import NextcloudState

__all__ = ["NextcloudSandbox", "NextcloudState"]


class NextcloudSandbox:
    """Start/stop a loopback Nextcloud; `state` is there for tests that want to poke at it."""

    def __init__(self, *, seed: bool = True, language: str = "fr") -> None:
        """`language` is every seeded account's: the server answers OCS calls in it."""
        self.state = NextcloudState()
        self._secrets: dict[str, str] = {}
        if seed:
            self._secrets = _seed(self.state)
            for account in self.state.directory.accounts.values():
                account.language = language
        self._runner: web.AppRunner | None = None
        self._url = ""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        runner = web.AppRunner(build_app(self.state), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound = runner.addresses[0][1]
        self._url = f"http://{host}:{bound}"
        return self._url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

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
