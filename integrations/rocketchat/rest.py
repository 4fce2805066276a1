"""REST calls to /api/v1 with timeouts, 429 handling (X-RateLimit-Reset) and retries."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from integrations.rocketchat.errors import RocketChatError, RocketChatUnavailable

log = logging.getLogger(__name__)
RETRYABLE_STATUSES = {500, 502, 503, 504}
MAX_RATE_LIMIT_WAIT_SECONDS = 120.0


class RestClient:
    def __init__(
        self,
        base_url: str,
        user_id: str,
        token: str,
        *,
        timeout: float,
        attempts: int = 6,
        on_rate_limited: Callable[[float], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"X-User-Id": user_id, "X-Auth-Token": token}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._attempts = attempts
        self._on_rate_limited = on_rate_limited
        self._session: aiohttp.ClientSession | None = None
        self._closed = False
        # Rocket.Chat limits per route and method (spec §5.3): a refusal or an exhausted window
        # on one route pauses every caller of that route until its reset, not each on its own.
        self._paused_until: dict[str, float] = {}

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._closed:  # a session opened now would never be closed
            raise RocketChatUnavailable("the REST client was closed")
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        """For good: later calls raise RocketChatUnavailable at once instead of reopening."""
        self._closed = True
        if self._session is not None:
            await self._session.close()

    async def get(self, endpoint: str, **params: str | int) -> dict[str, Any]:
        return await self.call("GET", endpoint, params={k: str(v) for k, v in params.items()})

    async def post(self, endpoint: str, payload: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", endpoint, json=payload)

    async def call(self, method: str, endpoint: str, **request: Any) -> dict[str, Any]:
        """One API call, retried on 429, 5xx and network errors; raises RocketChatError on 4xx."""
        url = f"{self.base_url}/api/v1/{endpoint}"
        route = f"{method} {endpoint}"
        for attempt in range(self._attempts):
            try:
                await self._respect_pause(route)
                async with self.session.request(
                    method, url, headers=self._headers, **request
                ) as response:
                    body = await _json_body(response)
                    if response.status == 429:
                        self._pause(route, response, refused=True)
                        continue
                    if response.headers.get("X-RateLimit-Remaining") == "0":
                        self._pause(route, response, refused=False)
                    if response.status in RETRYABLE_STATUSES:
                        raise RocketChatUnavailable(f"{response.status} on {endpoint}")
                    if response.status >= 400 or body.get("success") is False:
                        raise _refusal(response.status, body)
                    return body
            except (aiohttp.ClientError, TimeoutError, RocketChatUnavailable) as exc:
                if self._closed or attempt + 1 >= self._attempts:  # closed: no use retrying
                    raise RocketChatUnavailable(f"{endpoint}: {exc}") from exc
                await asyncio.sleep(min(8.0, 0.2 * 2**attempt) * random.uniform(0.5, 1.5))  # noqa: S311
        raise RocketChatUnavailable(f"{endpoint}: still rate limited")

    async def download(self, url: str) -> bytes:
        absolute = url if url.startswith("http") else f"{self.base_url}{url}"
        try:
            async with self.session.get(absolute, headers=self._headers) as response:
                if response.status >= 400:
                    raise RocketChatError(response.status, "download", absolute)
                return await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RocketChatUnavailable(f"download: {exc}") from exc

    async def upload(
        self, endpoint: str, filename: str, content: bytes, mime: str, fields: dict[str, str]
    ) -> dict[str, Any]:
        form = aiohttp.FormData()
        form.add_field("file", content, filename=filename, content_type=mime)
        for name, value in fields.items():
            form.add_field(name, value)
        return await self.call("POST", endpoint, data=form)

    def _pause(self, route: str, response: aiohttp.ClientResponse, *, refused: bool) -> None:
        wait = _seconds_until_reset(response.headers.get("X-RateLimit-Reset"))
        self._paused_until[route] = max(self._paused_until.get(route, 0.0), time.time() + wait)
        if refused:
            extra = {"route": route, "wait_seconds": round(wait, 3)}
            log.warning("rate limited by Rocket.Chat", extra=extra)
            if self._on_rate_limited is not None:
                self._on_rate_limited(wait)

    async def _respect_pause(self, route: str) -> None:
        while (until := self._paused_until.get(route)) is not None:
            wait = until - time.time()
            if wait <= 0:
                self._paused_until.pop(route, None)
                return
            await asyncio.sleep(wait)  # the pause may have been extended meanwhile: look again


def _seconds_until_reset(header: str | None) -> float:
    # X-RateLimit-Reset is an epoch in milliseconds (spec rocketchat.md §5.3).
    if header is None or not header.isdigit():
        return 1.0
    wait = int(header) / 1000.0 - time.time()
    return min(MAX_RATE_LIMIT_WAIT_SECONDS, max(0.05, wait))


async def _json_body(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        body = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return {}
    return body if isinstance(body, dict) else {"result": body}


def _refusal(status: int, body: dict[str, Any]) -> RocketChatError:
    error = body.get("error") or body.get("message") or "unknown error"
    return RocketChatError(status, str(body.get("errorType", "")), str(error))
