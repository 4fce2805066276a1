"""The aiohttp application: W's middleware chain (faults, WITH_API gate, error page,
unknown-route app shell) and the route table."""

from __future__ import annotations

import asyncio
import random

from aiohttp import web

from . import auth, boards, cards, comments, control, lists, users, webhooks
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
    app = web.Application(middlewares=[error_middleware, gate_middleware])
    app[auth.STORE_KEY] = store
    app[auth.THROTTLE_KEY] = auth.LoginThrottle()
    app[control.DISPATCHER_KEY] = dispatcher
    _add_api_routes(app.router)
    control.add_routes(app)
    return app


def _add_api_routes(r: web.UrlDispatcher) -> None:
    b, lc = "/api/boards/{boardId}", "/api/boards/{boardId}/lists/{listId}/cards"
    r.add_post("/users/login", auth.login)
    r.add_post("/users/logout", auth.logout)
    r.add_get("/api/user", users.me)
    r.add_get("/api/users", users.all_users)
    r.add_get("/api/users/{userId}", users.one_user)
    r.add_get("/api/users/{userId}/boards", boards.user_boards)
    r.add_get("/api/user/cards", cards.user_cards)
    r.add_get("/api/boards", boards.public_boards)
    r.add_post("/api/boards", boards.create_board)
    r.add_get(b, boards.get_board)
    r.add_delete(b, boards.delete_board)
    r.add_post(f"{b}/copy", boards.copy_board)
    r.add_post(f"{b}/members/{{userId}}/add", boards.add_member)
    r.add_put(f"{b}/labels", boards.put_label)
    r.add_get(f"{b}/lists", lists.get_lists)
    r.add_post(f"{b}/lists", lists.create_list)
    r.add_get(f"{b}/lists/{{listId}}", lists.get_list)
    r.add_put(f"{b}/lists/{{listId}}", lists.update_list)
    r.add_get(f"{b}/swimlanes", lists.get_swimlanes)
    r.add_post(f"{b}/swimlanes", lists.create_swimlane)
    r.add_get(f"{b}/swimlanes/{{swimlaneId}}/cards", lists.swimlane_cards)
    r.add_get(f"{b}/cards_count", cards.cards_count)
    r.add_get(lc, cards.list_cards)
    r.add_post(lc, cards.create_card)
    r.add_get(f"{lc}/{{cardId}}", cards.get_card)
    r.add_put(f"{lc}/{{cardId}}", cards.update_card)
    r.add_delete(f"{lc}/{{cardId}}", cards.delete_card)
    r.add_post(f"{lc}/{{cardId}}/archive", cards.archive_card)
    r.add_post(f"{lc}/{{cardId}}/unarchive", cards.archive_card)
    r.add_get("/api/cards/{cardId}", cards.get_card_by_id)
    r.add_get(f"{b}/cards/{{cardId}}/comments", comments.list_comments)
    r.add_post(f"{b}/cards/{{cardId}}/comments", comments.add_comment)
    r.add_get(f"{b}/integrations", webhooks.list_hooks)
    r.add_post(f"{b}/integrations", webhooks.create_hook)
    r.add_get(f"{b}/integrations/{{intId}}", webhooks.get_hook)
    r.add_put(f"{b}/integrations/{{intId}}", webhooks.update_hook)
    r.add_delete(f"{b}/integrations/{{intId}}", webhooks.delete_hook)
