"""Nextcloud: the bot's account, its app password, its groups, and the sharing policy it meets
(read from the capabilities, the same source the bot reads at every share)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from composition.provision.http import Api
from composition.provision.report import Report

SERVICE = "Nextcloud"
PREFIX = "ENSEMBLE_NEXTCLOUD__"
OCS = {"OCS-APIRequest": "true", "Accept": "application/json"}


@dataclass
class NextcloudTarget:
    url: str
    admin_username: str
    admin_password: str
    bot_username: str = "ensemble-bot"
    bot_name: str = "ENSEMBLE"
    groups: list[str] = field(default_factory=list)


class Nextcloud:
    def __init__(self, session: aiohttp.ClientSession, target: NextcloudTarget,
                 previous: dict[str, str], report: Report) -> None:
        self.api = Api(session, SERVICE, target.url)
        self.target = target
        self.previous = previous
        self.report = report
        self.admin = aiohttp.BasicAuth(target.admin_username, target.admin_password)

    async def _ocs(self, method: str, path: str, auth: aiohttp.BasicAuth | None = None,
                   data: dict[str, str] | None = None) -> tuple[int, Any]:
        """(OCS status code, data) of a v2 call."""
        status, body = await self.api.call(method, f"/ocs/v2.php/{path}", headers=OCS,
                                           params={"format": "json"}, data=data,
                                           auth=auth or self.admin)
        if status == 401:
            raise self.api.fail("the administrator's login or password is refused")
        ocs = body.get("ocs", {}) if isinstance(body, dict) else {}
        code = ocs.get("meta", {}).get("statuscode", status)
        return int(code), ocs.get("data")

    async def _ok(self, method: str, path: str, data: dict[str, str] | None = None) -> Any:
        code, payload = await self._ocs(method, path, data=data)
        if code != 200:
            raise self.api.fail(f"{method} {path} refused (OCS {code})")
        return payload

    async def run(self) -> None:
        password = await self._bot_account()
        await self._app_password(password)
        await self._groups()
        await self._sharing_policy()

    async def _bot_account(self) -> str | None:
        uid = self.target.bot_username
        code, _ = await self._ocs("GET", f"cloud/users/{uid}")
        if code == 200:
            self.report.found(SERVICE, f"the account {uid} exists")
            return None
        if code == 403:
            raise self.api.fail(f"{self.target.admin_username} is not an administrator")
        password = secrets.token_urlsafe(24)
        await self._ok("POST", "cloud/users", data={
            "userid": uid, "password": password, "displayName": self.target.bot_name})
        self.report.did(SERVICE, f"created the account {uid}")
        return password

    async def _app_password(self, password: str | None) -> None:
        uid = self.target.bot_username
        known = self.previous.get(PREFIX + "APP_PASSWORD", "")
        if known and self.previous.get(PREFIX + "USERNAME") == uid:
            code, _ = await self._ocs("GET", "cloud/user", auth=aiohttp.BasicAuth(uid, known))
            if code == 200:
                self.report.found(SERVICE, "the bot's app password works")
                self._record(known)
                return
        if password is None:
            # An app password is only given to a login made with the account's own password.
            password = secrets.token_urlsafe(24)
            await self._ok("PUT", f"cloud/users/{uid}",
                           data={"key": "password", "value": password})
            self.report.did(SERVICE, "gave the bot a new random password to create its app "
                            "password")
        code, payload = await self._ocs("GET", "core/getapppassword",
                                        auth=aiohttp.BasicAuth(uid, password))
        if code != 200 or not isinstance(payload, dict) or "apppassword" not in payload:
            raise self.api.fail(f"no app password for {uid} (OCS {code})")
        self.report.did(SERVICE, "created the bot's app password")
        self._record(str(payload["apppassword"]))

    def _record(self, app_password: str) -> None:
        self.report.set(PREFIX + "URL", self.target.url)
        self.report.set(PREFIX + "USERNAME", self.target.bot_username)
        self.report.set(PREFIX + "APP_PASSWORD", app_password, secret=True)

    async def _groups(self) -> None:
        uid = self.target.bot_username
        if not self.target.groups:
            return
        existing = await self._ok("GET", "cloud/groups")
        member_of = await self._ok("GET", f"cloud/users/{uid}/groups")
        for group in self.target.groups:
            if group not in existing.get("groups", []):
                await self._ok("POST", "cloud/groups", data={"groupid": group})
                self.report.did(SERVICE, f"created the group {group}")
            if group in member_of.get("groups", []):
                self.report.found(SERVICE, f"the bot is in the group {group}")
                continue
            await self._ok("POST", f"cloud/users/{uid}/groups", data={"groupid": group})
            self.report.did(SERVICE, f"added the bot to the group {group}")

    async def _sharing_policy(self) -> None:
        capabilities = await self._ok("GET", "cloud/capabilities")
        sharing = capabilities.get("capabilities", {}).get("files_sharing", {})
        public = sharing.get("public", {})
        if not sharing.get("api_enabled", True) or not public.get("enabled", False):
            self.report.note(SERVICE, "public links are off: /partage makes internal shares "
                             "only")
            return
        password = public.get("password", {}).get("enforced", False)
        expiry = public.get("expire_date", {})
        days = expiry.get("days") if expiry.get("enforced") else None
        self.report.note(SERVICE, "public links: password "
                         + ("enforced" if password else "not enforced")
                         + (f", expiry enforced at {days} days" if days else
                            ", expiry not enforced"))
