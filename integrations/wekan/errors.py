"""Typed failures of the Wekan client.

Every one is a `ServiceUnavailable("Wekan", ...)`, so an error the adapter does not turn into
a user-facing message still reaches the user as "Wekan is not available", never as a crash.
"""

from __future__ import annotations

from bot.errors import ServiceUnavailable

SERVICE = "Wekan"


class WekanError(ServiceUnavailable):
    def __init__(self, reason: str, *, status: int | None = None) -> None:
        super().__init__(SERVICE, reason)
        self.status = status


class WekanUnavailable(WekanError):
    """Network error, timeout or HTTP 5xx."""


class WekanProtocolError(WekanError):
    """An answer that is not the JSON we asked for (HTML app shell, API switched off)."""


class WekanUnauthorized(WekanError):
    pass


class WekanForbidden(WekanError):
    pass


class WekanNotFound(WekanError):
    pass


class WekanBadRequest(WekanError):
    pass


class WekanRateLimited(WekanError):
    def __init__(self, reason: str, *, retry_after: float, status: int | None = 429) -> None:
        super().__init__(reason, status=status)
        self.retry_after = retry_after
