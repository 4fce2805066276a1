"""REST calls to /api/v1 with timeouts, 429 handling (X-RateLimit-Reset) and retries."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from integrations.rocketchat.errors import RocketChatError, RocketChatUnavailable

log = logging.getLogger(__name__)
RETRYABLE_STATUSES = {500, 502, 503, 504}
WINDOW_PROBE_SECONDS = 0.05  # a new window fully reserved before its first answer came back
NEW_WINDOW_PATIENCE = 1.0  # then how long those answers may take before the budget is renewed
MAX_RATE_LIMIT_WAIT_SECONDS = 120.0  # one pause, whatever X-RateLimit-Reset says
RATE_LIMIT_DEADLINE_SECONDS = 300.0  # all the pauses of one call


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
        # Rocket.Chat limits per route and method (Rocket.Chat 7.x apps/meteor/app/api/server/
        # ApiClass.ts `addRateLimiterRuleForRoutes`): a refusal or an exhausted window
        # on one route pauses every caller of that route until its reset, not each on its own;
        # then, while the route is limited, its callers go one at a time (the gate).
        self._paused_until: dict[str, float] = {}
        self._limited: dict[str, asyncio.Lock] = {}
        # What the route's last answers said of its window, less the calls sent since: a burst
        # (300 direct messages of a crisis roster) waits for the next window instead of
        # sending what the limiter would refuse.
        self._windows: dict[str, _Window] = {}

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

    async def post(
        self, endpoint: str, payload: dict[str, Any], *, retry: bool = True
    ) -> dict[str, Any]:
        return await self.call("POST", endpoint, retry=retry, json=payload)

    async def call(
        self, method: str, endpoint: str, *, retry: bool = True, **request: Any
    ) -> dict[str, Any]:
        """One API call, raising RocketChatError on 4xx.

        A 429 waits for the route's reset and costs no attempt (waiting is bounded by
        RATE_LIMIT_DEADLINE_SECONDS); 5xx and network errors use up the attempts.
        """
        route = _route_of(method, endpoint)
        deadline = asyncio.get_running_loop().time() + RATE_LIMIT_DEADLINE_SECONDS
        failures = 0
        while True:
            try:
                async with self._turn(route, deadline):
                    body = await self._send(route, method, endpoint, request)
                if body is not None:
                    return body
            except _StillLimited:
                raise RocketChatUnavailable(f"{endpoint}: still rate limited") from None
            except (aiohttp.ClientError, TimeoutError, RocketChatUnavailable) as exc:
                failures += 1
                log.info("Rocket.Chat call failed", extra={"route": route, "reason": str(exc)})
                # Without retry the caller finds out whether a call whose answer was lost
                # landed (one that posts each time it is made); closed: no use retrying.
                if not retry or self._closed or failures >= self._attempts:
                    raise RocketChatUnavailable(f"{endpoint}: {exc}") from exc
                await asyncio.sleep(_backoff(failures))

    async def download(self, url: str) -> bytes:
        absolute = url if url.startswith("http") else f"{self.base_url}{url}"
        try:
            async with self.session.get(absolute, headers=self._headers) as response:
                if response.status >= 400:
                    raise RocketChatError(response.status, "download", absolute)
                return await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RocketChatUnavailable(f"download: {exc}") from exc

    async def upload(  # noqa: PLR0913 - the form's parts
        self, endpoint: str, filename: str, content: bytes, mime: str, fields: dict[str, str],
        *, part: str = "file",
    ) -> dict[str, Any]:
        form = aiohttp.FormData()
        form.add_field(part, content, filename=filename, content_type=mime)
        for name, value in fields.items():
            form.add_field(name, value)
        return await self.call("POST", endpoint, data=form)

    @contextlib.asynccontextmanager
    async def _turn(self, route: str, deadline: float) -> AsyncIterator[None]:
        """After the route's pause and within its window's budget; one caller at a time
        while the route is limited."""
        await self._wait_out_pause(route, deadline)
        await self._reserve(route, deadline)
        gate = self._limited.get(route)
        if gate is None:
            yield
            return
        try:
            async with asyncio.timeout_at(deadline):
                await gate.acquire()
        except TimeoutError:
            raise _StillLimited from None
        try:
            await self._wait_out_pause(route, deadline)  # set by the caller just before us
            yield
        finally:
            gate.release()

    async def _send(
        self, route: str, method: str, endpoint: str, request: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The answer's body, or None when the rate limiter refused the call."""
        url = f"{self.base_url}/api/v1/{endpoint}"
        async with self.session.request(method, url, headers=self._headers, **request) as response:
            body = await _json_body(response)
            self._heed_limiter(route, response)
            if response.status == 429:
                return None
            if response.status in RETRYABLE_STATUSES:
                raise RocketChatUnavailable(f"{response.status} on {endpoint}")
            if response.status >= 400 or body.get("success") is False:
                raise _refusal(response.status, body)
            return body

    async def _reserve(self, route: str, deadline: float) -> None:
        """One call of the route's window, waiting for the next window when it is spent."""
        loop = asyncio.get_running_loop()
        while (window := self._windows.get(route)) is not None:
            now = time.time()
            if window.reset_at is not None and now >= window.reset_at:
                window.open(now)  # a new window began
            elif window.reset_at is None and now - window.opened_at > NEW_WINDOW_PATIENCE:
                window.open(now)  # no answer told the new window (calls failed): try again
            if window.remaining > 0:
                window.remaining -= 1
                return
            # Spent: until its reset, or (a new window's reset not told yet) a first answer.
            wait = WINDOW_PROBE_SECONDS if window.reset_at is None else window.reset_at - now
            if loop.time() + wait > deadline:
                raise _StillLimited
            await asyncio.sleep(wait)

    def _track_window(self, route: str, response: aiohttp.ClientResponse) -> None:
        limit = response.headers.get("X-RateLimit-Limit", "")
        remaining = response.headers.get("X-RateLimit-Remaining", "")
        reset = response.headers.get("X-RateLimit-Reset", "")
        if not (limit.isdigit() and remaining.isdigit() and reset.isdigit()):
            if response.status < 400:
                self._windows.pop(route, None)  # no limiter on this route (or no longer)
            return
        reset_at = int(reset) / 1000.0
        window = self._windows.get(route)
        if window is None:
            self._windows[route] = _Window(int(limit), int(remaining), reset_at)
        elif window.reset_at is None or reset_at > window.reset_at:
            # The first answer of a new window: what it says, less what we sent meanwhile.
            spent_here = window.limit - window.remaining if window.reset_at is None else 0
            window.limit, window.reset_at = int(limit), reset_at
            window.remaining = max(0, min(int(remaining), int(limit) - spent_here))
        elif reset_at == window.reset_at:
            window.remaining = min(window.remaining, int(remaining))
        # else: a late answer from an earlier window, which says nothing of this one

    def _heed_limiter(self, route: str, response: aiohttp.ClientResponse) -> None:
        self._track_window(route, response)
        remaining = response.headers.get("X-RateLimit-Remaining")
        if response.status == 429 or remaining == "0":
            self._pause(route, response, refused=response.status == 429)
        elif remaining is not None or response.status not in RETRYABLE_STATUSES:
            self._limited.pop(route, None)  # room in the window, or no limiter on this route

    def _pause(self, route: str, response: aiohttp.ClientResponse, *, refused: bool) -> None:
        wait = _seconds_until_reset(response.headers.get("X-RateLimit-Reset"))
        self._paused_until[route] = max(self._paused_until.get(route, 0.0), time.time() + wait)
        self._limited.setdefault(route, asyncio.Lock())
        if refused:
            extra = {"route": route, "wait_seconds": round(wait, 3)}
            log.warning("rate limited by Rocket.Chat", extra=extra)
            if self._on_rate_limited is not None:
                self._on_rate_limited(wait)

    async def _wait_out_pause(self, route: str, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        while (until := self._paused_until.get(route)) is not None:
            wait = until - time.time()
            if wait <= 0:
                self._paused_until.pop(route, None)
                return
            if loop.time() + wait > deadline:
                raise _StillLimited
            await asyncio.sleep(wait)  # the pause may have been extended meanwhile: look again


@dataclass(slots=True)
class _Window:
    limit: int  # calls per window (X-RateLimit-Limit)
    remaining: int  # calls left in it, ours in flight counted
    reset_at: float | None  # epoch seconds (X-RateLimit-Reset); None: not told yet
    opened_at: float = 0.0

    def open(self, now: float) -> None:
        # At least one call, whose answer tells the new window (a limiter that said 0 for
        # everything, as during a storm of refusals, may say otherwise now).
        self.remaining, self.reset_at, self.opened_at = max(1, self.limit), None, now


class _StillLimited(Exception):
    """The route stays limited past the call's deadline."""


def _route_of(method: str, endpoint: str) -> str:
    # Rocket.Chat limits per route template and method (Rocket.Chat 7.x ApiClass.ts
    # `addRateLimiterRuleForRoutes`): `rooms.media/<rid>` is one
    # route whatever the room, named by the endpoint's first path segment.
    return f"{method} {endpoint.split('/', 1)[0]}"


def _backoff(failures: int) -> float:
    # S311: jitter to spread retries, not a secret
    return float(min(8.0, 0.2 * 2 ** (failures - 1)) * random.uniform(0.5, 1.5))  # noqa: S311


def _seconds_until_reset(header: str | None) -> float:
    # X-RateLimit-Reset is an epoch in milliseconds (Rocket.Chat 7.x ApiClass.ts
    # `enforceRateLimit`).
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
