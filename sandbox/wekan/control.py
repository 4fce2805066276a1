"""`/_sandbox/` control API (JSON, no auth): state, switches, faults and simulated UI actions.

UI actions are made "by a named user" through the same code paths as W's Meteor methods, so
they record activities and DO fire webhooks, unlike REST writes.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from aiohttp import web

from . import actions
from .auth import STORE_KEY
from .documents import card_doc, list_doc, swimlane_doc
from .ids import iso, parse_card_date
from .models import Board, Card, User
from .store import WekanStore
from .webhooks import Dispatcher

DISPATCHER_KEY: web.AppKey[Dispatcher] = web.AppKey("wekan_dispatcher", Dispatcher)

routes = web.RouteTableDef()


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _user(store: WekanStore, body: dict[str, Any]) -> User:
    user = store.user_by_username(str(body.get("username", "")))
    if user is None:
        raise ControlError(404, f"unknown user {body.get('username')!r}")
    return user


def _card(store: WekanStore, body: dict[str, Any]) -> Card:
    card = store.cards.get(str(body.get("card_id", "")))
    if card is None:
        raise ControlError(404, f"unknown card {body.get('card_id')!r}")
    return card


def _board(store: WekanStore, board_id: str) -> Board:
    board = store.boards.get(board_id)
    if board is None:
        raise ControlError(404, f"unknown board {board_id!r}")
    return board


def _list_id(store: WekanStore, board_id: str, body: dict[str, Any]) -> str:
    """A list given by `list_id` or by its `list` title."""
    for blist in store.board_lists(board_id):
        if body.get("list_id") == blist.id or body.get("list") == blist.title:
            return blist.id
    raise ControlError(404, "unknown list")


def _ok(**data: object) -> web.Response:
    return web.json_response({"ok": True, **data})


def control(handler: Any) -> Any:
    async def wrapped(request: web.Request) -> web.Response:
        try:
            result: web.Response = await handler(request, request.app[STORE_KEY],
                                                 await _body(request))
        except ControlError as error:
            return web.json_response({"ok": False, "error": str(error)}, status=error.status)
        return result

    return wrapped


@routes.post("/_sandbox/ui/create-card")
@control
async def ui_create_card(_: web.Request, store: WekanStore, body: dict[str, Any]) -> web.Response:
    user, board = _user(store, body), _board(store, str(body.get("board_id", "")))
    list_id = _list_id(store, board.id, body)
    lane = str(body.get("swimlane_id") or getattr(store.default_swimlane(board.id), "id", ""))
    card = actions.create_card(store, board, list_id, title=str(body.get("title", "")),
                               user_id=user.id, swimlane_id=lane,
                               description=body.get("description"), from_ui=True)
    return _ok(card_id=card.id)


@routes.post("/_sandbox/ui/move-card")
@control
async def ui_move_card(_: web.Request, store: WekanStore, body: dict[str, Any]) -> web.Response:
    user, card = _user(store, body), _card(store, body)
    actions.move_card(store, card, _list_id(store, card.board_id, body), user.id, from_ui=True)
    return _ok(card_id=card.id)


@routes.post("/_sandbox/ui/comment")
@control
async def ui_comment(_: web.Request, store: WekanStore, body: dict[str, Any]) -> web.Response:
    user, card = _user(store, body), _card(store, body)
    comment = actions.add_comment(store, card, user.id, str(body.get("text", "")), from_ui=True)
    return _ok(comment_id=comment.id)


@routes.post("/_sandbox/ui/archive-card")
@control
async def ui_archive_card(_: web.Request, store: WekanStore, body: dict[str, Any]) -> web.Response:
    user, card = _user(store, body), _card(store, body)
    actions.set_archived(store, card, body.get("archived", True) is not False, user.id,
                         from_ui=True)
    return _ok(card_id=card.id)


@routes.post("/_sandbox/ui/due")
@control
async def ui_due(_: web.Request, store: WekanStore, body: dict[str, Any]) -> web.Response:
    user, card = _user(store, body), _card(store, body)
    due = parse_card_date(body.get("due_at"))
    if due is None and body.get("due_at") is not None:
        raise ControlError(400, "due_at must be an ISO date or null")
    actions.set_due(store, card, due, user.id, from_ui=True)
    return _ok(card_id=card.id)


@routes.post("/_sandbox/ui/archive-board")
@control
async def ui_archive_board(_: web.Request, store: WekanStore,
                           body: dict[str, Any]) -> web.Response:
    _user(store, body)
    board = _board(store, str(body.get("board_id", "")))
    board.archived, board.archived_at = True, store.clock()
    return _ok(board_id=board.id)


@routes.post("/_sandbox/switches")
@control
async def set_switches(_: web.Request, store: WekanStore, body: dict[str, Any]) -> web.Response:
    switches = store.switches
    known = {f.name for f in dataclasses.fields(switches)}
    for key, value in body.items():
        if key not in known:
            raise ControlError(400, f"unknown switch {key!r}")
        setattr(switches, key, value)
    return _ok(switches=dataclasses.asdict(switches))


@routes.post("/_sandbox/faults")
@control
async def set_faults(_: web.Request, store: WekanStore, body: dict[str, Any]) -> web.Response:
    store.switches.fault_ratio = float(body.get("error_ratio", 0.0))
    store.switches.latency_ms = int(body.get("latency_ms", 0))
    return _ok(switches=dataclasses.asdict(store.switches))


@routes.get("/_sandbox/state")
async def state(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    boards = [
        {"_id": b.id, "title": b.title, "archived": b.archived,
         "members": [m.user_id for m in b.members if m.is_active],
         "swimlanes": [swimlane_doc(s) for s in store.board_swimlanes(b.id)],
         "lists": [list_doc(x) for x in store.board_lists(b.id)],
         "cards": [card_doc(c) for c in store.cards.values() if c.board_id == b.id]}
        for b in store.boards.values()
    ]
    users = [{"_id": u.id, "username": u.username, "fullname": u.fullname,
              "isAdmin": u.is_admin} for u in store.users.values()]
    return web.json_response({"boards": boards, "users": users,
                              "switches": dataclasses.asdict(store.switches)})


@routes.get("/_sandbox/activities")
async def activities(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    rows = [{"_id": a.id, "activityType": a.activity_type, "userId": a.user_id,
             "boardId": a.board_id, "cardId": a.card_id, "listId": a.list_id,
             "oldListId": a.old_list_id, "fromUi": a.from_ui, "createdAt": iso(a.created_at)}
            for a in store.activities]
    return web.json_response(rows)


@routes.get("/_sandbox/deliveries")
async def deliveries(request: web.Request) -> web.Response:
    found = request.app[DISPATCHER_KEY].deliveries
    return web.json_response([dataclasses.asdict(d) for d in found])
