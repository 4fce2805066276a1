"""Card routes (W server/models/cards.js). W wraps none of them in try/catch, so a thrown
error becomes the HTML error page of envelope 4 (see app.py's middleware)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from . import actions
from .auth import STORE_KEY, check_board, check_logged_in, read_body
from .documents import card_doc, card_summary
from .errors import MeteorError, WekanCrash, forbidden, json_result, meteor_200
from .ids import is_card_date_clear, parse_card_date
from .models import Board, Card
from .store import WekanStore

routes = web.RouteTableDef()

DATE_FIELDS = ("receivedAt", "startAt", "dueAt", "endAt")


def coerce_ids(value: object) -> list[str]:
    """`coerceRestArrayParam`: an array, one id string, or ""/null for none."""
    if isinstance(value, list):
        return [str(x) for x in value if x]
    return [value] if isinstance(value, str) and value else []


def assignable(store: WekanStore, board: Board, value: object) -> list[str]:
    """v10.92+: keep only active board members (legacy: stored as given)."""
    ids = coerce_ids(value)
    if store.legacy:
        return ids
    active = store.active_member_ids(board)
    return [x for x in ids if x in active]


@routes.get("/api/boards/{boardId}/lists/{listId}/cards")
async def list_cards(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "read")
    cards = [c for c in store.list_cards(request.match_info["listId"]) if c.board_id == board.id]
    return json_result([card_summary(c, "swimlaneId") for c in cards])


def _pinned(store: WekanStore, request: web.Request) -> Card | None:
    """The card W's selector `{_id, listId, boardId, archived: false}` matches, if any."""
    card = store.cards.get(request.match_info["cardId"])
    if card is None or card.archived or card.list_id != request.match_info["listId"]:
        return None
    return card if card.board_id == request.match_info["boardId"] else None


@routes.get("/api/boards/{boardId}/lists/{listId}/cards/{cardId}")
async def get_card(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    check_board(request, request.match_info["boardId"], "read")
    card = _pinned(store, request)
    return json_result(card_doc(card) if card else None)  # unknown: 200, empty body


@routes.get("/api/cards/{cardId}")
async def get_card_by_id(request: web.Request) -> web.Response:
    card = request.app[STORE_KEY].cards.get(request.match_info["cardId"])
    if card is None:
        return json_result({"error": "Card not found"}, 404)
    check_board(request, card.board_id, "read")
    return json_result(card_doc(card))


@routes.post("/api/boards/{boardId}/lists/{listId}/cards")
async def create_card(request: web.Request) -> web.Response:
    store, body = request.app[STORE_KEY], await read_body(request)
    user = check_logged_in(request)
    board = store.boards.get(request.match_info["boardId"])
    member = board.member(user.id) if board else None
    if not ((member and member.can_comment) or user.is_admin):
        raise forbidden()
    if board is None:
        raise WekanCrash("Cannot read properties of undefined (reading 'getNextCardNumber')")
    author = user.id
    if store.legacy:  # <= v10.91: authorId must name a user, else 401 with an empty body
        author = str(body.get("authorId") or "")
        if author not in store.users:
            return json_result(None, 401)
    if not body.get("swimlaneId"):
        raise WekanCrash("Swimlane id is required")  # SimpleSchema error -> HTML 500
    card = actions.create_card(
        store, board, request.match_info["listId"], title=str(body.get("title") or ""),
        user_id=author, swimlane_id=str(body["swimlaneId"]),
        description=body.get("description"),
        members=assignable(store, board, body.get("members")),
        assignees=assignable(store, board, body.get("assignees")),
        dates={} if store.legacy else _parsed_dates(body), from_ui=False,
    )
    return json_result({"_id": card.id})


def _parsed_dates(body: dict[str, Any]) -> dict[str, datetime]:
    parsed = {name: parse_card_date(body[name]) for name in DATE_FIELDS if name in body}
    return {name: value for name, value in parsed.items() if value is not None}


@routes.put("/api/boards/{boardId}/lists/{listId}/cards/{cardId}")
async def update_card(request: web.Request) -> web.Response:
    store, body = request.app[STORE_KEY], await read_body(request)
    user, board = check_board(request, request.match_info["boardId"], "write")
    updated = _simple_fields(store, request, body)
    updated = _dates(store, request, body) or updated
    for key in ("members", "assignees"):
        if key in body:
            card = _pinned(store, request)
            if card:
                setattr(card, key, assignable(store, board, body[key]))
                store.touch(card)
            updated = True
    refusal = _move(store, request, body, user.id)
    if isinstance(refusal, web.Response):
        return refusal
    updated = refusal or updated
    updated = _archive_flags(store, request, body) or updated
    if not updated:
        return json_result({"message": "Error"}, 404)
    return json_result({"_id": request.match_info["cardId"]})


_SIMPLE = ("title", "sort", "parentId", "description", "color", "labelIds", "requestedBy",
           "assignedBy", "spentTime", "isOverTime", "customFields")


def _simple_fields(store: WekanStore, request: web.Request, body: dict[str, Any]) -> bool:
    """Fields written only when truthy; each update pins listId/boardId/archived:false."""
    updated = False
    for key in _SIMPLE:
        value = body.get(key)
        if not value:
            continue
        updated = True
        card = _pinned(store, request)
        if card is None:
            continue
        if key == "title":
            card.title = str(value)[:1000]
        elif key == "description":
            card.description = str(value)
        elif key == "sort":
            card.sort = float(value)
        elif key == "labelIds":
            card.label_ids = [value] if isinstance(value, str) else list(value)
        else:
            card.extra[key] = value
        store.touch(card)
    return updated


def _dates(store: WekanStore, request: web.Request, body: dict[str, Any]) -> bool:
    updated = False
    for name in DATE_FIELDS:
        if name not in body:
            continue
        clear, parsed = is_card_date_clear(body[name]), parse_card_date(body[name])
        if not clear and parsed is None:
            continue  # unparseable: silently skipped
        updated = True
        card = _pinned(store, request)
        if card is None:
            continue
        if parsed is None:
            card.dates.pop(name, None)
        else:
            card.dates[name] = parsed
        store.touch(card)
    return updated


def _move(store: WekanStore, request: web.Request, body: dict[str, Any],
          user_id: str) -> bool | web.Response:
    board_id = request.match_info["boardId"]
    board_move = all(body.get(k) for k in ("newBoardId", "newSwimlaneId", "newListId"))
    updated = False
    if body.get("swimlaneId") and not board_move:
        lane = store.swimlanes.get(str(body["swimlaneId"]))
        if lane is None or lane.board_id != board_id:
            return _foreign("swimlaneId")
        card = _pinned(store, request)
        if card:
            card.swimlane_id = lane.id
            store.touch(card)
        updated = True
    if body.get("listId") and not board_move:
        target = store.lists.get(str(body["listId"]))
        if target is None or target.board_id != board_id:
            return _foreign("listId")
        card = _pinned(store, request)
        if card:
            actions.move_card(store, card, target.id, user_id, from_ui=False)
        if store.legacy:  # before v9.71 the activity code crashed after the move (#6423)
            raise WekanCrash("Cannot read properties of undefined (reading 'title')")
        updated = True
    if board_move:
        return _board_move(store, request, body, user_id)
    return updated


def _foreign(field: str) -> web.Response:
    return json_result({"error": f"{field} does not belong to this board. To move a card to "
                        "another board, send newBoardId, newSwimlaneId and newListId."}, 400)


def _board_move(store: WekanStore, request: web.Request, body: dict[str, Any],
                user_id: str) -> bool | web.Response:
    new_board = str(body["newBoardId"])
    check_board(request, new_board, "write")
    target = store.lists.get(str(body["newListId"]))
    if target is None or target.board_id != new_board or target.archived:
        return json_result({"error": "Destination list not found or does not belong to "
                            "destination board"}, 404)
    lane = store.swimlanes.get(str(body["newSwimlaneId"]))
    if lane is None or lane.board_id != new_board or lane.archived:
        return json_result({"error": "Destination swimlane not found or does not belong to "
                            "destination board"}, 404)
    card = _pinned(store, request)
    if card:
        sorts = [c.sort for c in store.list_cards(target.id)]
        card.board_id, card.swimlane_id = new_board, lane.id
        card.list_id, card.sort = target.id, (min(sorts) - 1 if sorts else 0.0)
        store.touch(card)
        store.record("moveCardBoard", user_id, new_board, from_ui=False, card_id=card.id,
                     list_id=target.id, swimlane_id=lane.id)
    return True


def _archive_flags(store: WekanStore, request: web.Request, body: dict[str, Any]) -> bool:
    card = store.cards.get(request.match_info["cardId"])
    on_board = card is not None and card.board_id == request.match_info["boardId"]
    if "archive" in body:
        wanted = str(body["archive"]).lower() == "true"
        # W server/models/cards.js: `Cards.direct.updateAsync({_id, boardId, archived:
        # !archive}, {$set: {archived: archive}})`: no listId pin, no hooks (so no
        # archivedAt, no activity); only collection2's modifiedAt autoValue runs.
        if card and on_board and card.archived != wanted:
            card.archived = wanted
            card.modified_at = store.clock()
    if "dueComplete" in body and card and on_board \
            and card.list_id == request.match_info["listId"]:
        card.due_complete = str(body["dueComplete"]).lower() == "true"
        store.touch(card)
    return "archive" in body or "dueComplete" in body


@routes.delete("/api/boards/{boardId}/lists/{listId}/cards/{cardId}")
async def delete_card(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    user, board = check_board(request, request.match_info["boardId"], "write")
    card = store.cards.get(request.match_info["cardId"])
    if card and card.board_id == board.id and card.list_id == request.match_info["listId"]:
        del store.cards[card.id]
        for comment_id in [k for k, c in store.comments.items() if c.card_id == card.id]:
            del store.comments[comment_id]
        store.record("deleteCard", user.id, board.id, from_ui=False, card_id=card.id,
                     list_id=card.list_id, swimlane_id=card.swimlane_id)
    return json_result({"_id": request.match_info["cardId"]})  # always, even when unknown


@routes.post("/api/boards/{boardId}/lists/{listId}/cards/{cardId}/archive")
@routes.post("/api/boards/{boardId}/lists/{listId}/cards/{cardId}/unarchive")
async def archive_card(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    user, board = check_board(request, request.match_info["boardId"], "write")
    card = store.cards.get(request.match_info["cardId"])
    if card is None or card.board_id != board.id:
        raise MeteorError("404", "Card not found", 404)
    archive = request.path.endswith("/archive")
    if card.archived != archive:
        actions.set_archived(store, card, archive, user.id, from_ui=False)
    if archive:
        return json_result({"_id": card.id, "archived": True,
                            "archivedAt": card_doc(card).get("archivedAt")})
    return json_result({"_id": card.id, "archived": False})


@routes.get("/api/boards/{boardId}/cards_count")
@meteor_200
async def cards_count(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "read")
    count = sum(1 for c in store.cards.values() if c.board_id == board.id and not c.archived)
    return json_result({"board_cards_count": count})


@routes.get("/api/user/cards")
async def user_cards(request: web.Request) -> web.Response:
    """GET /api/user/cards: the caller's own cards on boards where they are active."""
    store = request.app[STORE_KEY]
    try:
        user = check_logged_in(request)
    except MeteorError:
        return json_result({"error": "Unauthorized"}, 401)
    due_only = request.query.get("due", "").lower() in ("true", "1", "yes")
    low, high = (parse_card_date(request.query.get(k)) for k in ("from", "to"))
    found = []
    for card in store.cards.values():
        board = store.boards.get(card.board_id)
        mine = user.id in card.members or user.id in card.assignees
        if card.archived or not mine or board is None or user.id not in \
                store.active_member_ids(board):
            continue
        due = card.dates.get("dueAt")
        if (due_only or low or high) and (due is None or (low and due < low)
                                          or (high and due > high)):
            continue
        found.append(card)
    found.sort(key=lambda c: (c.dates.get("dueAt") is not None, c.dates.get("dueAt") or 0))
    keys = ("_id", "title", "boardId", "swimlaneId", "listId", "dueAt", "startAt", "endAt",
            "members", "assignees")
    return json_result([{k: v for k, v in card_doc(c).items() if k in keys} for c in found])
