"""Administration endpoints `ensemble-bot provision` calls, as Rocket.Chat 7.x answers them.

Sources (RocketChat/Rocket.Chat 7.x):
- users.create / users.update: apps/meteor/app/api/server/v1/users.ts and
  app/lib/server/functions/saveUser (permissions `create-user`, `edit-other-user-info`,
  `edit-other-user-password`, `assign-roles`); users.setAvatar is profile.py's;
- users.generatePersonalAccessToken / regenerate / getPersonalAccessTokens: v1/users.ts, with
  `twoFactorRequired: true`, and server/methods personalAccessTokens:generateToken
  (`create-personal-access-tokens`, default roles admin and user: the `bot` role alone may not
  create one; "A token with this name already exists");
- the second factor: app/2fa/server/code/index.ts `checkCodeForUser` and
  PasswordCheckFallback.ts — an account without TOTP or e-mail 2FA must send
  `x-2fa-code: sha256(password)` and `x-2fa-method: password` while
  Accounts_TwoFactorAuthentication_Enforce_Password_Fallback is on (the default); else 400
  `totp-required`, and a wrong code 400 `totp-invalid`;
- permissions.listAll / permissions.update: v1/permissions.ts (`access-permissions`);
- GET/POST settings/:_id: v1/settings.ts (`view-privileged-setting`,
  `edit-privileged-setting`);
- channels.invite: v1/channels.ts (`add-user-to-any-c-room` or `add-user-to-joined-room`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from sandbox.rocketchat.errors import MeteorError, ServerError, Unauthorized
from sandbox.rocketchat.rest.core import RestContext, route
from sandbox.rocketchat.rest.lookup import room_by_id_or_name
from sandbox.rocketchat.rest.validation import Schema
from sandbox.rocketchat.state import rooms
from sandbox.rocketchat.state.models import User
from sandbox.rocketchat.state.permissions import ROLE_PERMISSIONS

USER_CREATE = Schema(
    {"email": "string", "name": "string", "password": "string", "username": "string",
     "roles": "array", "active": "boolean", "joinDefaultChannels": "boolean",
     "requirePasswordChange": "boolean", "sendWelcomeEmail": "boolean", "verified": "boolean",
     "customFields": "object", "setRandomPassword": "boolean"},
    required=("email", "name", "password", "username"),
)
USER_UPDATE = Schema({"userId": "string", "data": "object", "confirmRelinquish": "boolean"},
                     required=("userId", "data"))
TOKEN_NAME = Schema({"tokenName": "string", "bypassTwoFactor": "boolean"},
                    required=("tokenName",))
PERMISSIONS_UPDATE = Schema({"permissions": "array"}, required=("permissions",))
INVITE = Schema({"roomId": "string", "roomName": "string", "userId": "string",
                 "userIds": "array"})
KNOWN_ROLES = ("admin", "user", "bot", "app", "guest", "anonymous", "owner", "moderator",
               "leader", "livechat-agent", "livechat-manager", "livechat-monitor")


def _require(ctx: RestContext, permission: str) -> None:
    if not ctx.store.has_permission(ctx.user, permission):
        raise Unauthorized()


@route("POST", "users.create", body=USER_CREATE)
async def users_create(ctx: RestContext) -> dict[str, Any]:
    _require(ctx, "create-user")
    body = ctx.body
    # saveUser/validateUserData: validateEmail of lib/emailValidator.ts, 'basic' style
    if not re.fullmatch(r"[^@]+@[^@]+", str(body["email"])):
        raise MeteorError("error-invalid-email", f"Invalid email {body['email']}",
                          {"method": "insertOrUpdateUser", "email": body["email"]})
    roles = [str(role) for role in body.get("roles") or ["user"]]
    user = ctx.state.create_user(str(body["username"]), name=str(body["name"]), roles=roles,
                                 password=str(body["password"]))
    return {"user": user.full()}


@route("POST", "users.update", body=USER_UPDATE)
async def users_update(ctx: RestContext) -> dict[str, Any]:
    """The fields provisioning changes: name, password, roles (others are left alone)."""
    user = ctx.store.user(str(ctx.body["userId"]))
    data = ctx.body["data"]
    if user.id != ctx.user.id:
        _require(ctx, "edit-other-user-info")
    if "password" in data:
        if user.id != ctx.user.id:
            _require(ctx, "edit-other-user-password")
        user.password = str(data["password"])
    if "roles" in data:
        _require(ctx, "assign-roles")
        user.roles = [str(role) for role in data["roles"]]
        user.type = "bot" if "bot" in user.roles else "user"
    if "name" in data:
        user.name = str(data["name"])
    return {"user": user.full()}


def _check_second_factor(ctx: RestContext) -> None:
    settings = ctx.store.settings
    if not settings["Accounts_TwoFactorAuthentication_Enabled"]:
        return
    if not settings["Accounts_TwoFactorAuthentication_Enforce_Password_Fallback"]:
        return
    code = ctx.request.headers.get("x-2fa-code")
    if not code:
        raise MeteorError("totp-required", "TOTP Required",
                          {"method": "password", "codeGenerated": False,
                           "availableMethods": ["password"]})
    expected = hashlib.sha256(ctx.user.password.encode()).hexdigest()
    method = ctx.request.headers.get("x-2fa-method", "password")
    if method != "password" or not hmac.compare_digest(code.lower(), expected):
        raise MeteorError("totp-invalid", "TOTP Invalid", {"method": "password"})


def _may_create_tokens(ctx: RestContext) -> None:
    if not ctx.store.has_permission(ctx.user, "create-personal-access-tokens"):
        raise MeteorError("not-authorized", "Not Authorized")


def _issue(ctx: RestContext, name: str) -> str:
    token = ctx.store.issue_token(ctx.user)
    ctx.store.personal_tokens.setdefault(ctx.user.id, {})[name] = token
    return token


@route("POST", "users.generatePersonalAccessToken", body=TOKEN_NAME)
async def generate_token(ctx: RestContext) -> dict[str, Any]:
    _check_second_factor(ctx)
    _may_create_tokens(ctx)
    name = str(ctx.body["tokenName"])
    if name in ctx.store.personal_tokens.get(ctx.user.id, {}):
        raise MeteorError("error-token-already-exists", "A token with this name already exists")
    return {"token": _issue(ctx, name)}


@route("POST", "users.regeneratePersonalAccessToken", body=TOKEN_NAME)
async def regenerate_token(ctx: RestContext) -> dict[str, Any]:
    _check_second_factor(ctx)
    _may_create_tokens(ctx)
    name = str(ctx.body["tokenName"])
    tokens = ctx.store.personal_tokens.get(ctx.user.id, {})
    if name not in tokens:
        raise MeteorError("error-token-does-not-exists", "Token does not exist")
    ctx.store.revoke_token(tokens.pop(name))
    return {"token": _issue(ctx, name)}


@route("GET", "users.getPersonalAccessTokens")
async def list_tokens(ctx: RestContext) -> dict[str, Any]:
    _may_create_tokens(ctx)
    tokens = ctx.store.personal_tokens.get(ctx.user.id, {})
    return {"tokens": [{"name": name, "lastTokenPart": token[-6:], "bypassTwoFactor": True}
                       for name, token in tokens.items()]}


def _roles_of(store_granted: dict[str, set[str]], permission: str) -> list[str]:
    roles = {"admin"}
    roles.update(role for role, allowed in ROLE_PERMISSIONS.items() if permission in allowed)
    roles.update(role for role, extra in store_granted.items() if permission in extra)
    return sorted(roles)


@route("GET", "permissions.listAll")
async def permissions_list(ctx: RestContext) -> dict[str, Any]:
    names = set().union(*ROLE_PERMISSIONS.values(), *ctx.store.granted.values())
    names.update(("view-full-other-user-info", "post-readonly"))
    update = [{"_id": name, "roles": _roles_of(ctx.store.granted, name)}
              for name in sorted(names)]
    return {"update": update, "remove": []}


@route("POST", "permissions.update", body=PERMISSIONS_UPDATE)
async def permissions_update(ctx: RestContext) -> dict[str, Any]:
    _require(ctx, "access-permissions")
    for item in ctx.body["permissions"]:
        if not isinstance(item, dict) or "_id" not in item or not isinstance(
                item.get("roles"), list):
            raise MeteorError("error-invalid-permission", "Invalid permission")
        unknown = [role for role in item["roles"] if role not in KNOWN_ROLES]
        if unknown:
            raise MeteorError("error-invalid-role", "Invalid role")
        name, wanted = str(item["_id"]), set(item["roles"])
        for role in KNOWN_ROLES:
            extra = ctx.store.granted.setdefault(role, set())
            if role in wanted:
                extra.add(name)
            else:
                extra.discard(name)
    return {"permissions": [{"_id": str(item["_id"]), "roles": item["roles"]}
                            for item in ctx.body["permissions"]]}


def _setting_id(ctx: RestContext) -> str:
    setting = ctx.param("_id")
    if setting not in ctx.store.settings:
        raise ServerError("error-setting-not-found")
    return setting


@route("GET", "settings/{_id}")
async def setting_get(ctx: RestContext) -> dict[str, Any]:
    _require(ctx, "view-privileged-setting")
    setting = _setting_id(ctx)
    return {"_id": setting, "value": ctx.store.settings[setting]}


@route("POST", "settings/{_id}", body=Schema({"value": ("boolean", "string", "number")},
                                              required=("value",)))
async def setting_set(ctx: RestContext) -> dict[str, Any]:
    _require(ctx, "edit-privileged-setting")
    setting = _setting_id(ctx)
    ctx.store.settings[setting] = ctx.body["value"]
    return {}


@route("POST", "channels.invite", body=INVITE)
async def channels_invite(ctx: RestContext) -> dict[str, Any]:
    room = room_by_id_or_name(ctx, "c", check_archived=True)
    if not (ctx.store.has_permission(ctx.user, "add-user-to-any-c-room")
            or ctx.store.has_permission(ctx.user, "add-user-to-joined-room", room.id)):
        raise Unauthorized()
    ids = ctx.body.get("userIds") or [ctx.body.get("userId")]
    invited: list[User] = []
    for uid in ids:
        user = ctx.store.users.get(str(uid))
        if user is None:
            raise MeteorError("error-invalid-user", "Invalid user")
        invited.append(user)
    for user in invited:
        rooms.add_member(ctx.store, room, user, by=ctx.user)
    return {"channel": room.to_wire()}
