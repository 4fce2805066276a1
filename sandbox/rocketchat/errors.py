"""Meteor.Error as Rocket.Chat throws it; DDP and REST render it differently."""

from __future__ import annotations

from typing import Any


class MeteorError(Exception):
    """`new Meteor.Error(error, reason, details)`."""

    def __init__(
        self, error: str | int, reason: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(reason or str(error))
        self.error = error
        self.reason = reason
        self.details = details

    @property
    def message(self) -> str:
        return f"{self.reason} [{self.error}]" if self.reason else f"[{self.error}]"

    def to_ddp(self) -> dict[str, Any]:
        """Shape of the `error` key of a DDP result or nosub frame."""
        body: dict[str, Any] = {"isClientSafe": True, "error": self.error}
        if self.reason is not None:
            body["reason"] = self.reason
        body["message"] = self.message
        body["errorType"] = "Meteor.Error"
        if self.details is not None:
            body["details"] = self.details
        return body


class LoginFailed(MeteorError):
    """ApiClass _initAuth answers 401 `{success:false, status:"error", error, message}`."""


class NotFound(Exception):
    """REST 404 `Resource not found`."""


class Unauthorized(Exception):
    """REST 403 for a missing permission."""


class ServerError(Exception):
    """A plain JavaScript `Error` thrown by server code.

    REST renders it as 400 `{"success": false, "error": <message>}`; DDP hides it behind
    Meteor's sanitized `500 Internal server error`.
    """
