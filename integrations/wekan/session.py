"""Login, token renewal and every HTTP exchange with Wekan (wekan/wekan v11.07
server/apiAuthRoutes.js, server/apiMiddleware.js, server/lib/loginAttemptThrottle.js)."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from integrations.wekan.decode import Expect, decode
from integrations.wekan.errors import (
    WekanError,
    WekanRateLimited,
    WekanUnauthorized,
    WekanUnavailable,
)

log = logging.getLogger(__name__)
RENEW_BEFORE = timedelta(days=1)
DEFAULT_CONCURRENCY = 4
GET_RETRY_DELAY_SECONDS = 0.2


@dataclass(frozen=True, slots=True)
class Login:
    user_id: str
    token: str
    expires: datetime | None


@dataclass(frozen=True, slots=True)
class _Call:
    method: str
    path: str
    expect: Expect
    json: Any = None
    params: dict[str, str] | None = None
    # The query parameter that carries the login token, for routes that read it there.
    token_param: str | None = None


class WekanSession:
    """One logged-in service account; bounded concurrency; typed errors only."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout_seconds: float = 15.0,
        concurrency: int = DEFAULT_CONCURRENCY,
        http: aiohttp.ClientSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._username = username
        self._password = password
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._http = http
        self._owns_http = http is None
        self._slots = asyncio.Semaphore(concurrency)
        self._login: Login | None = None
        self._login_lock = asyncio.Lock()
        self._login_blocked_until = 0.0

    async def close(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.close()
        self._http = None

    def _session(self) -> aiohttp.ClientSession:
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=self._timeout)
            self._owns_http = True
        return self._http

    async def user_id(self) -> str:
        return (await self._current_login()).user_id

    async def request(
        self,
        method: str,
        path: str,
        *,
        expect: Expect,
        json: Any = None,
        params: dict[str, str] | None = None,
        token_param: str | None = None,
    ) -> Any:
        """Decoded answer of one authenticated call; re-logs in once on an auth failure."""
        call = _Call(method, path, expect, json, params, token_param)
        login = await self._current_login()
        try:
            return await self._authorised(call, login)
        except WekanUnauthorized:
            # The token was pruned, revoked or expired: one fresh login, one more try.
            login = await self._current_login(stale=login)
            return await self._authorised(call, login)

    async def _authorised(self, call: _Call, login: Login) -> Any:
        headers = {"Authorization": f"Bearer {login.token}"}
        if call.token_param is not None:
            call = replace(call, params={**(call.params or {}), call.token_param: login.token})
        try:
            return await self._exchange(call, headers)
        except WekanUnavailable:
            if call.method != "GET":
                raise  # only idempotent reads are retried
            await asyncio.sleep(GET_RETRY_DELAY_SECONDS)
            return await self._exchange(call, headers)

    async def _exchange(self, call: _Call, headers: dict[str, str]) -> Any:
        method, path = call.method, call.path
        try:
            async with self._slots, self._session().request(
                method, f"{self.base_url}{path}", json=call.json, params=call.params,
                headers=headers, allow_redirects=False, timeout=self._timeout,
            ) as response:
                body = await response.read()
                retry_after = _retry_after(response.headers.get("Retry-After"))
                return decode(
                    response.status, response.content_type if body else "", body, call.expect,
                    retry_after=retry_after,
                )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise WekanUnavailable(f"{method} {path}: {type(exc).__name__}") from exc

    async def _current_login(self, stale: Login | None = None) -> Login:
        async with self._login_lock:
            login = self._login
            if login is not None and login is not stale and not _expiring(login):
                return login
            self._login = await self._log_in()
            return self._login

    async def _log_in(self) -> Login:
        if time.monotonic() < self._login_blocked_until:
            raise WekanRateLimited(
                "login throttled", retry_after=self._login_blocked_until - time.monotonic()
            )
        body = {"username": self._username, "password": self._password}
        try:
            data = await self._exchange(_Call("POST", "/users/login", Expect.OBJECT, body), {})
        except WekanRateLimited as exc:
            # Never loop on a failed login (lockouts): wait what the server says.
            self._login_blocked_until = time.monotonic() + max(exc.retry_after, 1.0)
            raise
        except WekanError as exc:
            log.warning("wekan login failed", extra={"reason": exc.reason})
            raise
        user_id, token = data.get("id"), data.get("token")
        if not isinstance(user_id, str) or not isinstance(token, str):
            raise WekanUnauthorized("login answer without id/token")
        log.info("logged in to wekan", extra={"wekan_user": user_id})
        return Login(user_id, token, _parse_date(data.get("tokenExpires")))


def _expiring(login: Login) -> bool:
    return login.expires is not None and login.expires - datetime.now(UTC) < RENEW_BEFORE


def _parse_date(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _retry_after(value: str | None) -> float:
    try:
        return float(value) if value else 0.0
    except ValueError:
        return 0.0
