"""webhook_listeners OCS API (NC 30): admin-only CRUD of listeners.

Messages from nc30 apps/webhook_listeners (WebhooksController, WebhookListenerMapper).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .envelope import OcsError, ocs_ok
from .events import COMPATIBLE, Listener, WebhookRegistry
from .middleware import account_of
from .state import state_of

routes = web.RouteTableDef()
BASE = "/ocs/v{v:[12]}.php/apps/webhook_listeners/api/v1/webhooks"
NOT_ADMIN = ("Logged in account must be an admin, a sub admin or gotten special right to "
             "access this setting")


def _require_admin(request: web.Request) -> WebhookRegistry:
    if not account_of(request).admin:
        raise OcsError(403, NOT_ADMIN)
    return state_of(request).webhooks


async def _body(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = {k: v for k, v in request.query.items() if k != "format"}
    if request.can_read_body and request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
    return params


def _listener_from(params: dict[str, Any], listener_id: int, user: str) -> Listener:
    event = str(params.get("event", "")).lstrip("\\")
    if event not in COMPATIBLE:
        raise OcsError(400, f"{event} is not an event class compatible with webhooks")
    auth_method = str(params.get("authMethod", "none"))
    if auth_method not in ("none", "header"):
        raise OcsError(400, f"{auth_method} is not a valid value for authMethod")
    return Listener(id=listener_id, user_id=user, http_method=str(params.get("httpMethod")),
                    uri=str(params.get("uri", "")), event=event,
                    event_filter=params.get("eventFilter") or {},
                    user_id_filter=str(params.get("userIdFilter") or ""),
                    headers=params.get("headers"), auth_method=auth_method,
                    auth_data=params.get("authData"))


@routes.get(BASE)
async def list_listeners(request: web.Request) -> web.Response:
    registry = _require_admin(request)
    uri = request.query.get("uri")
    return ocs_ok(request, [w.to_json() for w in registry.listeners.values()
                            if uri is None or w.uri == uri])


@routes.post(BASE)
async def register(request: web.Request) -> web.Response:
    registry = _require_admin(request)
    listener = _listener_from(await _body(request), registry.next_id, account_of(request).uid)
    registry.listeners[listener.id] = listener
    registry.next_id += 1
    return ocs_ok(request, listener.to_json())


def _existing(registry: WebhookRegistry, raw_id: str) -> Listener:
    listener = registry.listeners.get(int(raw_id)) if raw_id.isdigit() else None
    if listener is None:
        raise OcsError(404, "Webhook not found")
    return listener


@routes.get(BASE + "/{wid}")
async def get_listener(request: web.Request) -> web.Response:
    registry = _require_admin(request)
    return ocs_ok(request, _existing(registry, request.match_info["wid"]).to_json())


@routes.post(BASE + "/{wid}")
async def update_listener(request: web.Request) -> web.Response:
    registry = _require_admin(request)
    old = _existing(registry, request.match_info["wid"])
    listener = _listener_from(await _body(request), old.id, account_of(request).uid)
    registry.listeners[old.id] = listener
    return ocs_ok(request, listener.to_json())


@routes.delete(BASE + "/{wid}")
async def delete_listener(request: web.Request) -> web.Response:
    registry = _require_admin(request)
    listener = _existing(registry, request.match_info["wid"])
    del registry.listeners[listener.id]
    return ocs_ok(request, True)
