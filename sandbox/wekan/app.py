"""The aiohttp application: W's middleware chain (faults, WITH_API gate, error page,
unknown-route app shell) and the route table."""

from __future__ import annotations

import asyncio
import random

from aiohttp import web

from .. import server
from . import admin, auth, boards, cards, comments, control, export, lists, users, webhooks
from .errors import Handler, MeteorError, WekanCrash, html_error
from .store import WekanStore

_APP_SHELL = (
    "<!DOCTYPE html>\n<html>\n<head>\n<title>WeKan</title>\n</head>\n"
    '<body>\n<div id="react-root"></div>\n</body>\n</html>\n'
)
_API_DISABLED = (
    "WeKan API is disabled, so this address answers nothing.\n\n"
    "Exports use it too - a board or card exported to PDF, Excel, JSON, .zip\n"
    "or CSV is a download from /api/..., so with the API off none of them can\n"
    "work. Set the environment variable WITH_API=true and restart WeKan.\n"
)


@web.middleware
async def gate_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Latency and 5xx faults, then the WITH_API gate; `/_sandbox/` is never affected."""
    store = request.app[auth.STORE_KEY]
    if request.path.startswith("/_sandbox/"):
        return await handler(request)
    if store.switches.latency_ms:
        await asyncio.sleep(store.switches.latency_ms / 1000)
    api = request.path.startswith("/api")
    if api and not store.switches.api_enabled:
        if store.legacy:
            raise web.HTTPMovedPermanently("/")
        return web.Response(status=403, text=_API_DISABLED, content_type="text/plain")
    # The fault switch uses a non-crypto draw on purpose: it only shapes test traffic.
    if api and random.random() < store.switches.fault_ratio:  # noqa: S311
        return html_error(503)
    return await handler(request)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unknown routes get Meteor's app shell; uncaught throws get the HTML error page."""
    try:
        return await handler(request)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
        if request.path.startswith("/_sandbox/"):
            raise
        return web.Response(text=_APP_SHELL, content_type="text/html")
    except MeteorError as error:
        return html_error(error.status)  # envelope 4: thrown from a route without try/catch
    except WekanCrash:
        return html_error(500)


def build_app(store: WekanStore, dispatcher: webhooks.Dispatcher) -> web.Application:
    app = server.build_app(
        (module.routes for module in (auth, users, admin, export, boards, lists, cards, comments,
                                      webhooks, control)),
        middlewares=[error_middleware, gate_middleware],
    )
    app[auth.STORE_KEY] = store
    app[auth.THROTTLE_KEY] = auth.LoginThrottle()
    app[control.DISPATCHER_KEY] = dispatcher
    return app
