"""The three simulated servers together, with the settings the bot needs to use them."""

from __future__ import annotations

import secrets
from typing import Any

from sandbox.nextcloud import NextcloudSandbox
from sandbox.rocketchat import RocketChatSandbox
from sandbox.wekan import WekanSandbox

# Jitsi is not simulated: the bot never calls it, it only signs links. The demo signs them
# for a placeholder host with a secret made up for the session.
DEMO_JITSI_URL = "https://visio.example.org"


class SandboxStack:
    def __init__(self) -> None:
        self.rocketchat = RocketChatSandbox()
        self.nextcloud = NextcloudSandbox()
        self.wekan = WekanSandbox(allow_private_webhooks=True)
        self._jitsi_secret = secrets.token_urlsafe(32)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        await self.rocketchat.start(host, port)
        await self.nextcloud.start(host, port + 1 if port else 0)
        await self.wekan.start(host, port + 2 if port else 0)

    async def stop(self) -> None:
        await self.wekan.stop()
        await self.nextcloud.stop()
        await self.rocketchat.stop()

    def env(self) -> dict[str, str]:
        jitsi = {
            "ENSEMBLE_JITSI__BASE_URL": DEMO_JITSI_URL,
            "ENSEMBLE_JITSI__APP_ID": "ensemble",
            "ENSEMBLE_JITSI__APP_SECRET": self._jitsi_secret,
        }
        return {**self.rocketchat.env(), **self.nextcloud.env(), **self.wekan.env(), **jitsi}

    def describe(self) -> dict[str, Any]:
        return {
            "rocketchat": self.rocketchat.describe(),
            "nextcloud": self.nextcloud.describe(),
            "wekan": self.wekan.describe(),
            "jitsi": {"url": DEMO_JITSI_URL, "simulated": False},
            "env": self.env(),
        }
