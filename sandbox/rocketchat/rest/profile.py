"""users.updateOwnBasicInfo and users.setAvatar, as an account (the bot's too) calls them on
itself (Rocket.Chat 7.x apps/meteor/app/api/server/v1/users.ts; saveUserProfile.ts refuses a
real-name change when Accounts_AllowRealNameChange is off; setAvatar allows one's own avatar
when Accounts_AllowUserAvatarChange is on, another's only with edit-other-user-avatar, and
lib/server/functions/setUserAvatar.ts fetches an `avatarUrl` itself and gives every new
avatar a random `avatarETag`)."""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp import BodyPartReader

from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.rest.core import RestContext, route
from sandbox.rocketchat.state.models import User

FETCH_TIMEOUT_SECONDS = 10


@route("POST", "users.updateOwnBasicInfo")
async def update_own_basic_info(ctx: RestContext) -> dict[str, Any]:
    data = ctx.body.get("data")
    if not isinstance(data, dict):
        raise MeteorError("error-invalid-params", "Match error: Missing key 'data'")
    user, name = ctx.user, data.get("name")
    if isinstance(name, str) and name.strip() != user.name:
        if not ctx.store.settings["Accounts_AllowRealNameChange"]:
            raise MeteorError("error-action-not-allowed", "Editing user real name is not allowed",
                              {"method": "saveUserProfile"})
        user.name = name.strip()
    return {"user": user.full()}


async def _image_part(ctx: RestContext) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The multipart `image` field (users.setAvatar's form) and the other fields."""
    if not ctx.request.content_type.startswith("multipart/"):
        return None, {}
    reader = await ctx.request.multipart()
    found: dict[str, Any] | None = None
    fields: dict[str, str] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "image":
            found = {"content": await part.read(),
                     "type": part.headers.get("Content-Type", "application/octet-stream")}
        elif part.name:
            fields[part.name] = await part.text()
    return found, fields


async def _fetch(url: str) -> tuple[bytes, str]:
    timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as http, http.get(url) as response:
            if response.status != 200:
                raise MeteorError("error-avatar-invalid-url", f"Invalid avatar URL: {url}")
            kind = response.headers.get("Content-Type", "")
            if not kind.startswith("image/"):
                raise MeteorError("error-avatar-url-handling",
                                  "Error while handling avatar setting from a URL")
            return await response.read(), kind
    except aiohttp.ClientError as error:
        raise MeteorError("error-avatar-invalid-url", f"Invalid avatar URL: {url}") from error


def _target(ctx: RestContext, user_id: str | None, username: str | None) -> User:
    named = user_id or username
    target = ctx.store.user(named) if named else ctx.user
    if target.id == ctx.user.id:
        if not ctx.store.settings["Accounts_AllowUserAvatarChange"]:
            raise MeteorError("error-not-allowed", "Change avatar is not allowed",
                              {"method": "setAvatarFromService"})
    elif not ctx.store.has_permission(ctx.user, "edit-other-user-avatar"):
        raise MeteorError("error-not-allowed", "Not allowed")
    return target


@route("POST", "users.setAvatar")
async def set_avatar(ctx: RestContext) -> dict[str, Any]:
    image, fields = await _image_part(ctx)
    params = {**ctx.body, **fields}
    target = _target(ctx, params.get("userId"), params.get("username"))
    if image is not None:
        content, kind = image["content"], image["type"]
    elif params.get("avatarUrl"):
        content, kind = await _fetch(str(params["avatarUrl"]))
    else:
        raise MeteorError("error-invalid-params", "Missing avatarUrl or image")
    if not kind.startswith("image/"):
        raise MeteorError("error-invalid-image", "Invalid image format")
    target.avatar, target.avatar_type = content, kind
    target.avatar_etag = ctx.store.ids.meteor_id()
    return {}
