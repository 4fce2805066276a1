"""Errors of the Rocket.Chat REST API, as the adapter sees them."""

from __future__ import annotations

from bot.errors import ServiceUnavailable

SERVICE = "Rocket.Chat"


class RocketChatError(Exception):
    """A refused REST call: HTTP status, Rocket.Chat's errorType and its message."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(f"{status} {error_type}: {message}")
        self.status = status
        self.error_type = error_type
        self.message = message


class RocketChatUnavailable(ServiceUnavailable):
    """The server could not be reached or kept failing: the user is told Rocket.Chat is down."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(SERVICE, reason)
