"""Response bodies of ApiClass (Rocket.Chat 7.x apps/meteor/app/api/server/ApiClass.ts)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from sandbox.rocketchat.ejson import to_rest
from sandbox.rocketchat.errors import MeteorError

LOGIN_REQUIRED = "You must be logged in to do this."
FORBIDDEN = "User does not have the permissions required for this action [error-unauthorized]"


def json_response(
    body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(text=json.dumps(to_rest(body)), status=status, headers=headers,
                        content_type="application/json")


def success(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "success": True}


def meteor_failure(error: MeteorError) -> dict[str, Any]:
    body: dict[str, Any] = {"success": False, "error": error.message, "errorType": error.error}
    if error.details is not None:
        body["details"] = error.details
    return body


def plain_failure(message: str) -> dict[str, Any]:
    return {"success": False, "error": message}


def unauthorized() -> dict[str, Any]:
    return {"success": False, "error": LOGIN_REQUIRED, "status": "error",
            "message": LOGIN_REQUIRED}


def forbidden() -> dict[str, Any]:
    return {"success": False, "error": FORBIDDEN}


def not_found(message: str = "Resource not found") -> dict[str, Any]:
    return {"success": False, "error": message}
