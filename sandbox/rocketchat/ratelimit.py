"""REST rate limiter: N calls per window per client IP and route.

Settings API_Enable_Rate_Limiter_Limit_Calls_Default (10) and _Time_Default (60000 ms),
server/settings/rate.ts; users holding `api-bypass-rate-limit` skip it (ApiClass
shouldVerifyRateLimit). Meteor's RateLimiter opens a window at the first call.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_ms: int

    def headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": str(self.reset_ms)}


@dataclass
class _Window:
    started_ms: int
    count: int


class RateLimiter:
    def __init__(self) -> None:
        self._windows: dict[tuple[str, str], _Window] = {}

    def hit(self, key: tuple[str, str], now_ms: int, limit: int, window_ms: int) -> Decision:
        window = self._windows.get(key)
        if window is None or now_ms >= window.started_ms + window_ms:
            window = _Window(now_ms, 0)
            self._windows[key] = window
        window.count += 1
        reset = window.started_ms + window_ms
        return Decision(window.count <= limit, limit, max(limit - window.count, 0), reset)

    def reset(self) -> None:
        self._windows.clear()


def too_many_requests_text(seconds: int) -> str:
    return (f"Error, too many requests. Please slow down. You must wait {seconds} seconds "
            "before trying this endpoint again. [error-too-many-requests]")
