"""Wekan: the bot's account, its board memberships, and the outgoing webhook of each board.

Rights the bot needs, and why: a member (not board admin) of every board it links, to read
lists and write cards; and **site admin**, because only a site admin may turn a username into
a Wekan account (`GET /api/users`, W server/models/users.js), which `/tache … @qui` and
`/taches @qui` need. Wekan's REST API has no call that makes an account a site admin (Admin
Panel › People does), so this step is checked and, when missing, left to a person."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from composition.provision.http import Api
from composition.provision.report import Report

SERVICE = "Wekan"
PREFIX = "ENSEMBLE_WEKAN__"
HOOK_TITLE = "ENSEMBLE bot"
MEMBER_FLAGS = ("isAdmin", "isNoComments", "isCommentOnly", "isWorker",
                "isNormalAssignedOnly", "isCommentAssignedOnly", "isReadOnly",
                "isReadAssignedOnly")


@dataclass
class WekanTarget:
    url: str
    admin_username: str
    admin_password: str
    bot_username: str = "ensemble-bot"
    bot_email: str | None = None
    boards: list[str] = field(default_factory=list)
    webhook_url: str | None = None


class Wekan:
    def __init__(self, session: aiohttp.ClientSession, target: WekanTarget,
                 previous: dict[str, str], report: Report) -> None:
        self.api = Api(session, SERVICE, target.url)
        self.target = target
        self.previous = previous
        self.report = report
        self.admin: dict[str, str] = {}
        self.admin_id = ""

    async def _json(self, method: str, path: str, **options: Any) -> Any:
        status, body = await self.api.call(method, path, headers=self.admin, **options)
        # Most Wekan routes answer a thrown error with HTTP 200 and the error as the body.
        if status != 200 or (isinstance(body, dict) and "error" in body and "_id" not in body):
            reason = body.get("reason") or body.get("error") if isinstance(body, dict) else ""
            raise self.api.fail(f"{method} {path} refused ({status}): {reason}")
        return body

    async def _login(self, username: str, password: str) -> tuple[str, str] | None:
        status, body = await self.api.call("POST", "/users/login",
                                           json={"username": username, "password": password})
        if status != 200 or not isinstance(body, dict) or "token" not in body:
            return None
        return str(body["id"]), str(body["token"])

    async def run(self) -> None:
        logged = await self._login(self.target.admin_username, self.target.admin_password)
        if logged is None:
            raise self.api.fail(f"cannot log in as the administrator {self.target.admin_username}")
        self.admin_id, token = logged
        self.admin = {"Authorization": f"Bearer {token}"}
        bot_id = await self._bot_account()
        await self._site_admin(bot_id)
        webhook_token = self._webhook_token()
        for board in self.target.boards:
            await self._board(board, bot_id, webhook_token)
        if self.target.boards and not self.target.webhook_url:
            self.report.ask(SERVICE, "no --webhook-url: card comments reach rooms only through "
                            "the webhook; rerun with the bot's public /hooks/wekan URL")

    async def _bot_account(self) -> str:
        username = self.target.bot_username
        users = await self._json("GET", "/api/users")
        found = next((u["_id"] for u in users if u.get("username") == username), None)
        known = self.previous.get(PREFIX + "PASSWORD", "")
        if found is not None:
            self.report.found(SERVICE, f"the account {username} exists")
            if known and await self._login(username, known) is not None:
                self.report.found(SERVICE, "the bot's password works")
                self._record(known)
            else:
                self.report.ask(SERVICE, f"the account {username} exists but its password is "
                                f"not in the env file: set {PREFIX}PASSWORD (Wekan's API "
                                "cannot reset it)")
            return str(found)
        password = secrets.token_urlsafe(24)
        email = self.target.bot_email or f"{username}@localhost.localdomain"
        created = await self._json("POST", "/api/users/", json={
            "username": username, "email": email, "password": password})
        self.report.did(SERVICE, f"created the account {username}")
        self._record(password)
        return str(created["_id"])

    def _record(self, password: str) -> None:
        self.report.set(PREFIX + "URL", self.target.url)
        self.report.set(PREFIX + "USERNAME", self.target.bot_username)
        self.report.set(PREFIX + "PASSWORD", password, secret=True)

    async def _site_admin(self, bot_id: str) -> None:
        user = await self._json("GET", f"/api/users/{bot_id}")
        if user.get("isAdmin"):
            self.report.found(SERVICE, "the bot is a site admin")
            return
        self.report.ask(SERVICE, f"make {self.target.bot_username} a site admin (Admin Panel › "
                        "People › Edit › Admin): only site admins may look up an account by "
                        "username, which /tache @qui needs; Wekan's API cannot grant it")

    def _webhook_token(self) -> str:
        token = self.previous.get(PREFIX + "WEBHOOK_TOKEN", "")
        if len(token) < 24:
            token = secrets.token_hex(16)
            self.report.did(SERVICE, "generated the webhook token")
        self.report.set(PREFIX + "WEBHOOK_TOKEN", token, secret=True)
        return token

    async def _find_board(self, wanted: str, bot_id: str) -> dict[str, Any] | None:
        boards: list[dict[str, Any]] = []
        for owner in (self.admin_id, bot_id):
            boards += await self._json("GET", f"/api/users/{owner}/boards")
        found = next((b for b in boards if wanted in (b.get("_id"), b.get("title"))), None)
        if found is None:  # an id of a board neither is in: a site admin may still read it
            status, board = await self.api.call("GET", f"/api/boards/{wanted}",
                                                headers=self.admin)
            if status == 200 and isinstance(board, dict) and board.get("_id") == wanted:
                return board
        return found

    async def _board(self, wanted: str, bot_id: str, webhook_token: str) -> None:
        board = await self._find_board(wanted, bot_id)
        if board is None:
            self.report.ask(SERVICE, f"no board {wanted!r} among the administrator's and the "
                            "bot's boards: add the administrator to it, or give its id")
            return
        board_id, title = str(board["_id"]), str(board.get("title"))
        detail = await self._json("GET", f"/api/boards/{board_id}")
        members = {m.get("userId"): m for m in detail.get("members", [])}
        if members.get(bot_id, {}).get("isActive"):
            self.report.found(SERVICE, f"the bot is a member of {title!r}")
        else:
            flags = dict.fromkeys(MEMBER_FLAGS, "false")
            await self._json("POST", f"/api/boards/{board_id}/members/{bot_id}/add",
                             json={"action": "add", **flags})
            self.report.did(SERVICE, f"added the bot to the board {title!r}")
        if self.target.webhook_url:
            await self._hook(board_id, title, webhook_token)

    async def _hook(self, board_id: str, title: str, token: str) -> None:
        url = str(self.target.webhook_url)
        hooks = await self._json("GET", f"/api/boards/{board_id}/integrations")
        hook = next((h for h in hooks if h.get("url") == url), None)
        # Wekan never shows a hook's token: one the previous run wrote is trusted as set.
        if hook is not None and self.previous.get(PREFIX + "WEBHOOK_TOKEN") == token:
            self.report.found(SERVICE, f"the webhook of {title!r} points at the bot")
            return
        if hook is None:
            created = await self._json("POST", f"/api/boards/{board_id}/integrations",
                                       json={"url": url})
            hook_id = str(created["_id"])
        else:
            hook_id = str(hook["_id"])
        await self._json("PUT", f"/api/boards/{board_id}/integrations/{hook_id}",
                         json={"token": token, "title": HOOK_TITLE, "enabled": True})
        self.report.did(SERVICE, f"set the outgoing webhook of {title!r} to {url}")
