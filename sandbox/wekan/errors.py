"""Wekan's four error envelopes (W server/apiMiddleware.js, server/authentication.js,
server/models/*.js) and its JSON response helper."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class MeteorError(Exception):
    """A thrown `Meteor.Error(error, reason)` with the `statusCode` W attaches to it."""

    def __init__(self, error: str, reason: str, status: int) -> None:
        super().__init__(f"{reason} [{error}]")
        self.error = error
        self.reason = reason
        self.status = status

    def serialized(self) -> dict[str, object]:
        """JSON.stringify of the error object (meteor/meteor packages/meteor/errors.js)."""
        return {
            "isClientSafe": True,
            "error": self.error,
            "reason": self.reason,
            "message": f"{self.reason} [{self.error}]",
            "errorType": "Meteor.Error",
            "statusCode": self.status,
        }


class WekanCrash(Exception):
    """A plain JS exception (TypeError, schema error) thrown inside a handler."""


def unauthorized() -> MeteorError:
    return MeteorError("Unauthorized", "Unauthorized", 401)


def forbidden() -> MeteorError:
    return MeteorError("Forbidden", "Forbidden", 403)


def board_not_found() -> MeteorError:
    return MeteorError("NotFound", "Board not found", 404)


def json_result(data: object = None, status: int = 200) -> web.Response:
    """`sendJsonResult` (W server/apiMiddleware.js): no data means an empty body, no type."""
    if data is None:
        return web.Response(status=status, headers=_NO_STORE)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return web.Response(
        status=status, text=body, content_type="application/json", headers=_NO_STORE
    )


def html_error(status: int) -> web.Response:
    """An uncaught exception rendered by Express' finalhandler (production page)."""
    message = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}.get(
        status, "Internal Server Error"
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Error</title>\n</head>\n<body>\n<pre>{message}</pre>\n</body>\n</html>\n"
    )
    return web.Response(status=status, text=page, content_type="text/html", charset="utf-8")


def meteor_200(handler: Handler) -> Handler:
    """Envelope 1/2: `catch (error) { sendJsonResult(res, {code: 200, data: error}) }`."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except MeteorError as error:
            return json_result(error.serialized())
        except WekanCrash:
            return json_result({})  # a TypeError serializes to {}

    return wrapped


def status_error(handler: Handler) -> Handler:
    """Envelope 3: `{code: error.statusCode || 500, data: {error: error.reason || message}}`."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except MeteorError as error:
            return json_result({"error": error.reason}, error.status)
        except WekanCrash as crash:
            return json_result({"error": str(crash)}, 500)

    return wrapped
