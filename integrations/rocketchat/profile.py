"""The bot account's name and avatar, set from the branding settings when they differ.

Both through the routes an account calls on itself (Rocket.Chat 7.x
apps/meteor/app/api/server/v1/users.ts): `users.updateOwnBasicInfo` `{data: {name}}`, refused
when Accounts_AllowRealNameChange is off, and `users.setAvatar` with a multipart `image`,
refused when Accounts_AllowUserAvatarChange is off. The current avatar is read where clients
read it, `/avatar/<username>`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import BrandingSettings, is_url
from integrations.rocketchat.errors import RocketChatError, RocketChatUnavailable
from integrations.rocketchat.rest import RestClient

log = logging.getLogger(__name__)
SIGNATURES = (
    (b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
    (b"RIFF", "image/webp"),
)
AVATAR_FETCH_SECONDS = 15


def image_type(content: bytes) -> str:
    head = content[:16]
    return next((kind for sign, kind in SIGNATURES if head.startswith(sign)), "image/svg+xml")


async def read_avatar(source: str) -> bytes:
    """The image the settings name: a file, or an URL fetched without the bot's credentials."""
    if not is_url(source):
        return Path(source).read_bytes()
    timeout = aiohttp.ClientTimeout(total=AVATAR_FETCH_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as http, http.get(source) as response:
        if response.status != 200:
            raise RocketChatUnavailable(f"{source} answered {response.status}")
        return await response.read()


class BotProfile:
    def __init__(self, rest: RestClient, branding: BrandingSettings, username: str) -> None:
        self._rest = rest
        self._branding = branding
        self._username = username

    async def apply(self, me: dict[str, Any]) -> None:
        """Never stops the bot: a refusal is logged naming the setting to check."""
        try:
            await self._name(me)
        except (RocketChatError, RocketChatUnavailable) as exc:
            log.error("could not set the bot's name from ENSEMBLE_BRANDING__NAME (Rocket.Chat "
                      "setting Accounts_AllowRealNameChange?)", extra={"reason": str(exc)[:200]})
        try:
            await self._avatar()
        except (RocketChatError, RocketChatUnavailable, OSError, aiohttp.ClientError) as exc:
            log.error("could not set the bot's avatar from ENSEMBLE_BRANDING__AVATAR (Rocket.Chat "
                      "setting Accounts_AllowUserAvatarChange?)", extra={"reason": str(exc)[:200]})

    async def _name(self, me: dict[str, Any]) -> None:
        wanted = self._branding.name
        if not wanted or me.get("name") == wanted:
            return
        await self._rest.post("users.updateOwnBasicInfo", {"data": {"name": wanted}})
        log.info("bot display name set", extra={"display_name": wanted})

    async def _avatar(self) -> None:
        source = self._branding.avatar
        if not source:
            return
        wanted = await read_avatar(source)
        if await self._rest.download(f"/avatar/{self._username}") == wanted:
            return
        kind = image_type(wanted)
        name = "avatar" + {"image/svg+xml": ".svg"}.get(kind, "." + kind.split("/")[1])
        await self._rest.upload("users.setAvatar", name, wanted, kind, {}, part="image")
        log.info("bot avatar set")
