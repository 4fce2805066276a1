"""Errors that carry a message for the user; the router renders them in the user's language."""

from __future__ import annotations

from typing import Any

from bot.i18n import Plural


class UserFacingError(Exception):
    """A failure the user can understand: a catalog message id (or a `Plural`, with `count`
    among the parameters) and its named parameters."""

    def __init__(self, message: str | Plural, /, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class ArgumentError(UserFacingError):
    """Bad input: the reason is shown, followed by the usage of the command."""

    def __init__(
        self, message: str | Plural, /, show_usage: bool = True, **params: Any
    ) -> None:
        super().__init__(message, **params)
        self.show_usage = show_usage


class PermissionDenied(UserFacingError):
    pass


class RateLimited(UserFacingError):
    pass


class RoomClosed(Exception):
    """The chat room does not take the bot's messages (read-only, archived): answers go to
    the person by direct message instead."""

    def __init__(self, room_id: str, reason: str = "") -> None:
        super().__init__(f"room {room_id} refuses the bot's messages: {reason}")
        self.room_id = room_id


class ServiceUnavailable(Exception):
    """An outside service failed or timed out; the user is told which one."""

    def __init__(self, service: str, reason: str = "") -> None:
        super().__init__(f"{service} unavailable: {reason}" if reason else service)
        self.service = service
        self.reason = reason


class ServiceNotConfigured(ServiceUnavailable):
    """The platform has no such service (its settings are unset): not an outage, nothing to
    retry; the user is told whom to ask."""

    def __init__(self, service: str) -> None:
        super().__init__(service, "not configured")


# Most specific first: a subclass is listed before its base.
OUTCOMES: tuple[tuple[type[Exception], str], ...] = (
    (ArgumentError, "invalid"),
    (PermissionDenied, "denied"),
    (RateLimited, "rate_limited"),
    (UserFacingError, "refused"),
    (ServiceNotConfigured, "not_configured"),
    (ServiceUnavailable, "unavailable"),
)


def outcome_of(exc: Exception) -> str:
    """The audit and metrics label of a failed command."""
    return next((label for kind, label in OUTCOMES if isinstance(exc, kind)), "error")
