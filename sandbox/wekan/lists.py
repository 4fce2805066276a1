"""List and swimlane routes (W server/models/lists.js, server/models/swimlanes.js)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from .auth import STORE_KEY, check_board, read_body
from .documents import card_summary, list_doc
from .errors import json_result, meteor_200
from .ids import iso
from .store import WekanStore

routes = web.RouteTableDef()


def cards_modified_at(store: WekanStore, board_id: str) -> dict[str, str]:
    """`newestCardChangeByList`: newest modifiedAt/dateLastActivity of the cards now in a list."""
    newest: dict[str, datetime] = {}
    for card in store.cards.values():
        if card.board_id != board_id:
            continue
        moment = max(card.modified_at, card.date_last_activity)
        if card.list_id not in newest or moment > newest[card.list_id]:
            newest[card.list_id] = moment
    return {list_id: iso(moment) for list_id, moment in newest.items()}


@routes.get("/api/boards/{boardId}/lists")
@meteor_200
async def get_lists(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "read")
    lists = store.board_lists(board.id)
    if store.legacy:  # W@v7.90 models/lists.js maps each list to {_id, title} only
        return json_result([{"_id": x.id, "title": x.title} for x in lists])
    newest = cards_modified_at(store, board.id)  # #5251, W >= v10.72
    return json_result([
        {"_id": x.id, "title": x.title, "modifiedAt": iso(x.modified_at),
         "cardsModifiedAt": newest.get(x.id)}
        for x in lists
    ])


@routes.get("/api/boards/{boardId}/lists/{listId}")
@meteor_200
async def get_list(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "read")
    found = store.lists.get(request.match_info["listId"])
    if found is None or found.board_id != board.id or found.archived:
        return json_result(None)  # unknown list: 200 with an empty body
    return json_result(list_doc(found))


@routes.post("/api/boards/{boardId}/lists")
@meteor_200
async def create_list(request: web.Request) -> web.Response:
    store, body = request.app[STORE_KEY], await read_body(request)
    _, board = check_board(request, request.match_info["boardId"], "write")
    default = store.default_swimlane(board.id)
    lane_id = str(body.get("swimlaneId") or (default.id if default else ""))
    # W server/models/lists.js: `sort: board.lists().length`, but board.lists() is
    # ReactiveCache.getLists(), a Promise on Meteor 3, so `.length` is undefined and the
    # list is stored without `sort` (Audit §3). W@v7.90 models/lists.js got a real count.
    created = store.add_list(board.id, str(body.get("title", "")), lane_id,
                             sort_unset=not store.legacy)
    return json_result({"_id": created.id})


@routes.put("/api/boards/{boardId}/lists/{listId}")
@meteor_200
async def update_list(request: web.Request) -> web.Response:
    store, body = request.app[STORE_KEY], await read_body(request)
    _, board = check_board(request, request.match_info["boardId"], "write")
    found = store.lists.get(request.match_info["listId"])
    if found is None or found.board_id != board.id or found.archived:
        return json_result({"error": "List not found"}, 404)
    if not body.get("title"):
        return json_result({"message": "Error"}, 404)
    found.title = str(body["title"])
    found.modified_at = store.clock()  # collection2 autoValue on every update
    return json_result({"_id": found.id})


@routes.get("/api/boards/{boardId}/swimlanes")
@meteor_200
async def get_swimlanes(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "read")
    lanes = store.board_swimlanes(board.id)
    return json_result([{"_id": s.id, "title": s.title} for s in lanes])


@routes.post("/api/boards/{boardId}/swimlanes")
@meteor_200
async def create_swimlane(request: web.Request) -> web.Response:
    store, body = request.app[STORE_KEY], await read_body(request)
    _, board = check_board(request, request.match_info["boardId"], "write")
    sort = body.get("sort")
    lane = store.add_swimlane(board.id, str(body.get("title", "")),
                              float(sort) if isinstance(sort, int | float) else None)
    return json_result({"_id": lane.id})


@routes.get("/api/boards/{boardId}/swimlanes/{swimlaneId}/cards")
async def swimlane_cards(request: web.Request) -> web.Response:
    """No try/catch in W: errors end as the HTML error page (envelope 4)."""
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "read")
    lane_id = request.match_info["swimlaneId"]
    cards = [c for c in store.cards.values()
             if c.board_id == board.id and c.swimlane_id == lane_id and not c.archived]
    return json_result([card_summary(c, "listId") for c in sorted(cards, key=lambda c: c.sort)])
