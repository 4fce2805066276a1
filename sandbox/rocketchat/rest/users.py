"""login, logout, me, users.info (field rules of Rocket.Chat 7.x
apps/meteor/app/lib/server/functions/getFullUserData.ts)."""

from __future__ import annotations

import hashlib
from typing import Any

from sandbox.rocketchat.errors import LoginFailed, MeteorError, ServerError
from sandbox.rocketchat.rest.core import RestContext, route
from sandbox.rocketchat.rest.lookup import user_param
from sandbox.rocketchat.state.models import User


def _me(user: User) -> dict[str, Any]:
    data = user.full()
    data.update({"email": f"{user.username}@sandbox.invalid", "language": user.language,
                 "avatarUrl": f"/avatar/{user.username}",
                 "settings": {"profile": {}, "preferences": {}}})
    return data


def _check_password(user: User, password: Any) -> bool:
    if isinstance(password, str):
        return password == user.password
    if isinstance(password, dict) and password.get("algorithm") == "sha-256":
        return password.get("digest") == hashlib.sha256(user.password.encode()).hexdigest()
    return False


@route("POST", "login", auth=False)
async def login(ctx: RestContext) -> dict[str, Any]:
    body, store = ctx.body, ctx.store
    if "resume" in body:
        user = store.user_for_token(str(body["resume"]))
        if user is None:
            raise LoginFailed(403, "You've been logged out by the server. Please log in again.")
        token = str(body["resume"])
    else:
        name = body.get("user") or body.get("username") or body.get("email") or ""
        user = store.find_user(str(name))
        if user is None:
            raise LoginFailed("Unauthorized", "Unauthorized")
        if not _check_password(user, body.get("password")):
            raise LoginFailed(403, "Incorrect password")
        token = store.issue_token(user)
    return {"status": "success",
            "data": {"userId": user.id, "authToken": token, "me": _me(user)}}


@route("POST", "logout")
async def logout(ctx: RestContext) -> dict[str, Any]:
    if ctx.token is not None:
        ctx.store.revoke_token(ctx.token)
    return {"status": "success", "data": {"message": "You've been logged out!"}}


@route("GET", "me")
async def me(ctx: RestContext) -> dict[str, Any]:
    return _me(ctx.user)


@route("GET", "users.info")
async def users_info(ctx: RestContext) -> dict[str, Any]:
    try:
        user = user_param(ctx)
    except MeteorError as error:
        if error.error == "error-invalid-user":
            raise ServerError("User not found.") from error  # API.v1.failure('User not found.')
        raise
    full = user.id == ctx.user.id or ctx.store.has_permission(
        ctx.user, "view-full-other-user-info")
    return {"user": user.full() if full else user.public()}


@route("GET", "roles.getUsersInRole")
async def users_in_role(ctx: RestContext) -> dict[str, Any]:
    """Rocket.Chat 7.x apps/meteor/app/api/server/v1/roles.ts: `role` required, the caller
    needs `access-permissions`; users sorted by username, projected to name, username,
    emails and avatarETag; paged by offset/count (50)."""
    role = ctx.query.get("role")
    if not role:
        raise MeteorError("error-param-not-provided", 'Query param "role" is required')
    if not ctx.store.has_permission(ctx.user, "access-permissions"):
        raise MeteorError("error-not-allowed", "Not allowed")
    holders = sorted((u for u in ctx.store.users.values() if role in u.roles),
                     key=lambda u: u.username)
    offset, count = int(ctx.query.get("offset", "0")), int(ctx.query.get("count", "50"))
    page = [{"_id": u.id, "name": u.name, "username": u.username,
             "emails": [{"address": f"{u.username}@sandbox.invalid", "verified": True}],
             "avatarETag": None} for u in holders[offset:offset + count]]
    return {"users": page, "total": len(holders)}
