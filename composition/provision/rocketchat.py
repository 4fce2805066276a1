"""Rocket.Chat: the bot user (`bot` role, name, avatar), its personal access token, the `bot`
role's permissions, the slash-command setting when asked, and the bot in the named rooms."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from yarl import URL

from composition.provision.http import Api
from composition.provision.report import Report

SERVICE = "Rocket.Chat"
TOKEN_NAME = "ensemble-bot"
SLASH_SETTING = "Message_AllowUnrecognizedSlashCommand"
# `bot` bypasses the REST rate limiter; `user` holds create-personal-access-tokens, which
# Rocket.Chat grants to admin and user only (authorization/server/constant/permissions.ts).
BOT_ROLES = ("bot", "user")
PREFIX = "ENSEMBLE_ROCKETCHAT__"


@dataclass
class RocketChatTarget:
    url: str
    admin_username: str
    admin_password: str
    bot_username: str = "ensemble-bot"
    bot_name: str = "ENSEMBLE"
    bot_email: str | None = None
    avatar_url: str | None = None
    rooms: list[str] = field(default_factory=list)
    allow_slash_commands: bool = False
    post_readonly: bool = False


class RocketChat:
    def __init__(self, session: aiohttp.ClientSession, target: RocketChatTarget,
                 previous: dict[str, str], report: Report) -> None:
        self.api = Api(session, SERVICE, target.url)
        self.target = target
        self.previous = previous
        self.report = report
        self.admin: dict[str, str] = {}

    async def _rest(self, method: str, name: str, auth: dict[str, str] | None = None,
                    **options: Any) -> tuple[int, dict[str, Any]]:
        status, body = await self.api.call(method, f"/api/v1/{name}",
                                           headers={**(auth or self.admin),
                                                    **options.pop("headers", {})}, **options)
        return status, body if isinstance(body, dict) else {}

    async def _ok(self, method: str, name: str, auth: dict[str, str] | None = None,
                  **options: Any) -> dict[str, Any]:
        status, body = await self._rest(method, name, auth, **options)
        if status != 200 or not body.get("success", False):
            raise self.api.fail(f"{name} refused ({status}): {_reason(body)}")
        return body

    async def run(self) -> None:
        self.admin = await self._login(self.target.admin_username, self.target.admin_password,
                                       "the administrator")
        try:
            user, password = await self._bot_user()
            await self._avatar(user)
            bot_auth = await self._token(user, password)
            await self._permissions()
            await self._slash_setting()
            await self._rooms(user, bot_auth)
        finally:  # a login leaves a token on the account: this run's goes away with it
            await self._rest("POST", "logout")

    async def _login(self, username: str, password: str, who: str) -> dict[str, str]:
        status, body = await self._rest("POST", "login", auth={},
                                        json={"user": username, "password": password})
        data = body.get("data") or {}
        if status != 200 or "authToken" not in data:
            raise self.api.fail(f"cannot log in as {who} {username} ({status}): "
                                f"{_reason(body)}")
        return {"X-User-Id": str(data["userId"]), "X-Auth-Token": str(data["authToken"])}

    async def _bot_user(self) -> tuple[dict[str, Any], str | None]:
        """The bot's user (created when missing) and its password when this run set it."""
        target = self.target
        status, body = await self._rest("GET", "users.info",
                                        params={"username": target.bot_username})
        if status == 200 and body.get("user"):
            user: dict[str, Any] = body["user"]
            await self._bot_profile(user)
            return user, None
        password = secrets.token_urlsafe(24)
        email = target.bot_email or f"{target.bot_username}@{URL(target.url).host}"
        created = await self._ok("POST", "users.create", json={
            "username": target.bot_username, "name": target.bot_name, "email": email,
            "password": password, "roles": list(BOT_ROLES), "verified": True,
            "joinDefaultChannels": False, "requirePasswordChange": False,
            "sendWelcomeEmail": False,
        })
        self.report.did(SERVICE, f"created the user {target.bot_username} with the roles "
                        f"{', '.join(BOT_ROLES)}")
        return created["user"], password

    async def _bot_profile(self, user: dict[str, Any]) -> None:
        data: dict[str, Any] = {}
        roles = list(user.get("roles") or [])
        if missing := [role for role in BOT_ROLES if role not in roles]:
            data["roles"] = roles + missing
        if user.get("name") != self.target.bot_name:
            data["name"] = self.target.bot_name
        if not data:
            self.report.found(SERVICE, f"the user {self.target.bot_username} has its name and "
                              "roles")
            return
        await self._ok("POST", "users.update", json={"userId": user["_id"], "data": data})
        self.report.did(SERVICE, f"updated the user {self.target.bot_username}: "
                        f"{', '.join(sorted(data))}")

    async def _avatar(self, user: dict[str, Any]) -> None:
        if not self.target.avatar_url:
            return
        if user.get("avatarETag"):
            self.report.found(SERVICE, "the bot has an avatar")
            return
        await self._ok("POST", "users.setAvatar",
                       json={"userId": user["_id"], "avatarUrl": self.target.avatar_url})
        self.report.did(SERVICE, "set the bot's avatar")

    async def _token(self, user: dict[str, Any], password: str | None) -> dict[str, str]:
        """The bot's personal access token: the previous run's while it still works."""
        known = {"X-User-Id": self.previous.get(PREFIX + "USER_ID", ""),
                 "X-Auth-Token": self.previous.get(PREFIX + "TOKEN", "")}
        if known["X-User-Id"] == user["_id"] and known["X-Auth-Token"]:
            status, me = await self._rest("GET", "me", auth=known)
            if status == 200 and me.get("username") == self.target.bot_username:
                self.report.found(SERVICE, "the bot's personal access token works")
                self._record(user, known["X-Auth-Token"])
                return known
        if password is None:
            # Only the bot itself may create its token: give it a fresh password to log in.
            password = secrets.token_urlsafe(24)
            await self._ok("POST", "users.update",
                           json={"userId": user["_id"], "data": {"password": password}})
            self.report.did(SERVICE, "gave the bot a new random password to create its token")
        session = await self._login(self.target.bot_username, password, "the bot")
        token = await self._new_token(session, password)
        await self._rest("POST", "logout", auth=session)
        self.report.did(SERVICE, f"created the bot's personal access token {TOKEN_NAME!r} "
                        "(ignores two-factor authentication)")
        self._record(user, token)
        return {"X-User-Id": str(user["_id"]), "X-Auth-Token": token}

    async def _new_token(self, session: dict[str, str], password: str) -> str:
        # users.generatePersonalAccessToken is `twoFactorRequired`: an account without TOTP
        # re-types its password, sent as its SHA-256 (app/2fa/server/code/PasswordCheckFallback).
        second_factor = {"x-2fa-code": hashlib.sha256(password.encode()).hexdigest(),
                         "x-2fa-method": "password"}
        auth = {**session, **second_factor}
        listed = await self._ok("GET", "users.getPersonalAccessTokens", auth=session)
        names = {token.get("name") for token in listed.get("tokens", [])}
        route = ("users.regeneratePersonalAccessToken" if TOKEN_NAME in names
                 else "users.generatePersonalAccessToken")
        body = await self._ok("POST", route, auth=auth,
                              json={"tokenName": TOKEN_NAME, "bypassTwoFactor": True})
        return str(body["token"])

    def _record(self, user: dict[str, Any], token: str) -> None:
        self.report.set(PREFIX + "URL", self.target.url)
        self.report.set(PREFIX + "USERNAME", self.target.bot_username)
        self.report.set(PREFIX + "USER_ID", str(user["_id"]))
        self.report.set(PREFIX + "TOKEN", token, secret=True)

    async def _permissions(self) -> None:
        wanted = ["view-full-other-user-info"]
        if self.target.post_readonly:
            wanted.append("post-readonly")
        listed = await self._ok("GET", "permissions.listAll")
        roles = {item["_id"]: list(item.get("roles") or []) for item in listed.get("update", [])}
        for permission in wanted:
            current = roles.get(permission, ["admin"])
            if "bot" in current:
                self.report.found(SERVICE, f"the bot role has {permission}")
                continue
            await self._ok("POST", "permissions.update", json={
                "permissions": [{"_id": permission, "roles": [*current, "bot"]}]})
            self.report.did(SERVICE, f"granted {permission} to the bot role")

    async def _slash_setting(self) -> None:
        body = await self._ok("GET", f"settings/{SLASH_SETTING}")
        if body.get("value") is True:
            self.report.found(SERVICE, f"{SLASH_SETTING} is on")
        elif self.target.allow_slash_commands:
            await self._ok("POST", f"settings/{SLASH_SETTING}", json={"value": True})
            self.report.did(SERVICE, f"turned {SLASH_SETTING} on (/reunion as a slash command)")
        else:
            self.report.note(SERVICE, f"{SLASH_SETTING} is off: the web client refuses "
                             "/reunion, users type !reunion (--allow-unrecognized-slash-commands "
                             "turns it on)")

    async def _rooms(self, user: dict[str, Any], bot_auth: dict[str, str]) -> None:
        if not self.target.rooms:
            return
        mine = await self._ok("GET", "subscriptions.get", auth=bot_auth)
        joined = {sub.get("name") for sub in mine.get("update", [])}
        for name in (room.lstrip("#") for room in self.target.rooms):
            if name in joined:
                self.report.found(SERVICE, f"the bot is in #{name}")
                continue
            status, info = await self._rest("GET", "rooms.info", params={"roomName": name})
            kind = (info.get("room") or {}).get("t") if status == 200 else None
            if kind not in ("c", "p"):
                self.report.ask(SERVICE, f"#{name} is not visible to the administrator (a "
                                "private room it is not in?): an owner adds "
                                f"@{self.target.bot_username} with /invite")
                continue
            route = "channels.invite" if kind == "c" else "groups.invite"
            await self._ok("POST", route, json={"roomName": name, "userId": user["_id"]})
            self.report.did(SERVICE, f"added the bot to #{name}")


def _reason(body: dict[str, Any]) -> str:
    return str(body.get("error") or body.get("message") or "no reason given")[:200]
