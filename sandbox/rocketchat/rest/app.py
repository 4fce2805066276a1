"""Mounts the declared routes on aiohttp with auth, rate limiting, faults and error shapes."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from sandbox.rocketchat.clock import to_ms
from sandbox.rocketchat.errors import (
    LoginFailed,
    MeteorError,
    NotFound,
    ServerError,
    Unauthorized,
)
from sandbox.rocketchat.faults import Faults
from sandbox.rocketchat.ratelimit import Decision, RateLimiter, too_many_requests_text
from sandbox.rocketchat.rest import (  # noqa: F401 (routes)
    chat,
    media,
    profile,
    rooms,
    users,
    videoconf,
)
from sandbox.rocketchat.rest import responses as r
from sandbox.rocketchat.rest.auth import authenticate
from sandbox.rocketchat.rest.core import ROUTES, RestContext, Route
from sandbox.rocketchat.state.api import SandboxState
from sandbox.rocketchat.state.models import User

log = logging.getLogger(__name__)
RequestHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class RestApi:
    def __init__(self, state: SandboxState, faults: Faults, limiter: RateLimiter) -> None:
        self.state = state
        self.faults = faults
        self.limiter = limiter

    async def serve(self, declared: Route, request: web.Request) -> web.StreamResponse:
        if self.faults.latency_ms:
            await asyncio.sleep(self.faults.latency_ms / 1000)
        if self.faults.should_fail():
            return r.json_response(r.plain_failure("Internal server error"), 500)
        return await self._handle(declared, request)

    async def _handle(self, declared: Route, request: web.Request) -> web.StreamResponse:
        store = self.state.store
        user, token = authenticate(store, request)
        if declared.auth and user is None:
            return r.json_response(r.unauthorized(), 401)
        decision = self._rate_limit(declared, request, user)
        headers = decision.headers() if decision else None
        if decision is not None and not decision.allowed:
            seconds = math.ceil(max(decision.reset_ms - to_ms(store.now()), 0) / 1000)
            body = r.plain_failure(too_many_requests_text(seconds))
            return r.json_response(body, 429, headers)
        status, body = await self._run(declared, request, user, token)
        return r.json_response(body, status, headers)

    def _rate_limit(
        self, declared: Route, request: web.Request, user: User | None
    ) -> Decision | None:
        store = self.state.store
        settings = store.settings
        now = to_ms(store.now())
        window = int(settings["API_Enable_Rate_Limiter_Limit_Time_Default"])
        if self.faults.rate_limit_storm:
            return Decision(False, 0, 0, now + window)
        if not settings["API_Enable_Rate_Limiter"]:
            return None
        if user is not None and store.has_permission(user, "api-bypass-rate-limit"):
            return None
        limit = declared.rate_limit or int(settings["API_Enable_Rate_Limiter_Limit_Calls_Default"])
        key = (request.remote or "127.0.0.1", declared.limiter_key)
        return self.limiter.hit(key, now, limit, window)

    async def _run(
        self, declared: Route, request: web.Request, user: User | None, token: str | None
    ) -> tuple[int, dict[str, Any]]:
        try:
            declared.validate_query(dict(request.query))
            raw = await _json_body(request)
            body = declared.validated_body(raw) if request.method != "GET" else {}
            ctx = RestContext(request, self.state, user, body, token)
            return 200, r.success(await declared.handler(ctx))
        except web.HTTPException:
            raise
        except Exception as error:
            return _render_error(declared, error)


REST_KEY: web.AppKey[RestApi] = web.AppKey("rocketchat_rest", RestApi)
# The endpoints are declared with their auth, rate-limit and validation rules in the modules
# imported above (as Rocket.Chat's API.v1.addRoute does); each becomes one route of this table,
# then anything else under /api/v1 gets Rocket.Chat's 404.
routes = web.RouteTableDef()


def _endpoint(declared: Route) -> RequestHandler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return await request.app[REST_KEY].serve(declared, request)

    return handle


for _declared in ROUTES:
    # Only the declared method: a HEAD falls through to the 404 below, as it always did.
    _options = {"allow_head": False} if _declared.method == "GET" else {}
    routes.route(_declared.method, _declared.path, **_options)(_endpoint(_declared))


@routes.route("*", "/api/v1/{tail:.*}")
async def _unknown(request: web.Request) -> web.StreamResponse:
    return r.json_response(r.not_found(), 404)


def _render_error(declared: Route, error: Exception) -> tuple[int, dict[str, Any]]:
    """ApiClass: Meteor errors and plain Errors are 400, auth 401, permission 403."""
    status, body = 400, r.plain_failure(str(error))
    if isinstance(error, LoginFailed):
        status, body = 401, {"success": False, "status": "error", "error": error.error,
                             "message": error.reason}
    elif isinstance(error, MeteorError):
        body = r.meteor_failure(error)
    elif isinstance(error, Unauthorized):
        status, body = 403, r.forbidden()
    elif isinstance(error, NotFound):
        status, body = 404, r.not_found(str(error) or "Resource not found")
    elif not isinstance(error, ServerError):
        log.exception("REST %s failed", declared.name, exc_info=error)
    return status, body


async def _json_body(request: web.Request) -> Any:
    if request.method == "GET" or not request.can_read_body:
        return {}
    if not request.content_type.endswith("json"):
        return {}
    text = await request.text()
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError as error:
        raise ServerError("Invalid JSON body") from error
