"""Per-user token bucket, so that one user (or script) cannot flood the bot."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from bot.errors import RateLimited
from bot.i18n import N_
from bot.invocation import Invocation, Next


class TokenBucket:
    def __init__(
        self, burst: int, per_second: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._burst = float(burst)
        self._rate = per_second
        self._monotonic = monotonic
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """0 when a token was taken, otherwise the seconds to wait for the next one."""
        now = self._monotonic()
        tokens, last = self._buckets.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / self._rate


class RateLimit:
    def __init__(self, bucket: TokenBucket) -> None:
        self._bucket = bucket

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        if not invocation.is_command:  # a reaction or a call is not a command to throttle
            await call_next(invocation)
            return
        wait = self._bucket.take(invocation.user.id)
        if wait > 0:
            raise RateLimited(
                N_("You are sending commands too fast; try again in {seconds} s."),
                seconds=math.ceil(wait),
            )
        await call_next(invocation)
