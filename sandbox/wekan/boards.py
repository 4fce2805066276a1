"""Board routes: listing, get, create, delete, copy, members, labels (W server/models/boards.js,
server/models/users.js)."""

from __future__ import annotations

import copy as copying

from aiohttp import web

from .auth import (
    STORE_KEY,
    check_board,
    check_logged_in,
    check_site_admin,
    current_user,
    read_body,
)
from .documents import board_doc, user_doc
from .errors import MeteorError, json_result, meteor_200, status_error
from .ids import meteor_id
from .models import ROLE_FLAGS, Board, Member
from .store import WekanStore, slugify

# boardMemberRoleToFlags (W server/lib/utils.js): role name -> the flag it sets.
_ROLE_TO_FLAG = {
    "normal": None, "member": None, "admin": "isAdmin", "nocomments": "isNoComments",
    "commentonly": "isCommentOnly", "worker": "isWorker",
    "normalassignedonly": "isNormalAssignedOnly", "commentassignedonly": "isCommentAssignedOnly",
    "readonly": "isReadOnly", "readassignedonly": "isReadAssignedOnly",
}
LABEL_COLORS = (
    "white", "green", "yellow", "orange", "red", "purple", "blue", "sky", "lime", "pink",
    "black", "silver", "peachpuff", "crimson", "plum", "darkgreen", "slateblue", "magenta",
    "gold", "navy", "gray", "saddlebrown", "paleturquoise", "mistyrose", "indigo",
)

routes = web.RouteTableDef()


def _visible(board: Board) -> bool:
    """#5582: helper boards (`^…^` titles, non-`board` types) are hidden from listings."""
    helper = board.title.startswith("^") and board.title.endswith("^")
    return board.type == "board" and not helper


@routes.get("/api/users/{userId}/boards")
@meteor_200
async def user_boards(request: web.Request) -> web.Response:
    user = check_logged_in(request)
    target = request.match_info["userId"]
    if user.id != target and not user.is_admin:
        raise MeteorError("Forbidden", "Forbidden", 403)
    boards = [
        b for b in request.app[STORE_KEY].boards.values()
        if not b.archived and _visible(b)
        and any(m.user_id == target and m.is_active for m in b.members)
    ]
    boards.sort(key=lambda b: b.sort)
    return json_result([{"_id": b.id, "title": b.title} for b in boards])


@routes.get("/api/boards")
@meteor_200
async def public_boards(request: web.Request) -> web.Response:
    check_site_admin(request)
    boards = [b for b in request.app[STORE_KEY].boards.values()
              if b.permission == "public" and _visible(b)]
    return json_result([{"_id": b.id, "title": b.title} for b in boards])


@routes.get("/api/boards/{boardId}")
@meteor_200
async def get_board(request: web.Request) -> web.Response:
    _, board = check_board(request, request.match_info["boardId"], "read")
    return json_result(board_doc(board))


@routes.post("/api/boards")
async def create_board(request: web.Request) -> web.StreamResponse:
    store = request.app[STORE_KEY]
    handler = meteor_200 if store.legacy else status_error  # <= v8: envelope 1
    return await handler(_create_board)(request)


async def _create_board(request: web.Request) -> web.Response:
    user = check_logged_in(request)
    store, body = request.app[STORE_KEY], await read_body(request)
    owner = body.get("owner") or (None if store.legacy else user.id)  # #5650 before v9.69
    board, lane = store.add_board(
        str(body.get("title", "")), owner, permission=body.get("permission") or "private",
        color=body.get("color") or "belize",
    )
    creator = board.members[0]
    creator.flags.update({k: _truthy(body.get(k)) for k in ("isNoComments", "isCommentOnly",
                                                             "isWorker")})
    return json_result({"_id": board.id, "defaultSwimlaneId": lane.id})


@routes.delete("/api/boards/{boardId}")
@status_error
async def delete_board(request: web.Request) -> web.Response:
    _, board = check_board(request, request.match_info["boardId"], "admin")
    request.app[STORE_KEY].boards.pop(board.id, None)
    return json_result({"_id": board.id})


@routes.post("/api/boards/{boardId}/copy")
async def copy_board(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    source = store.boards.get(request.match_info["boardId"])
    user = current_user(request)
    if source is None:
        return json_result({"error": "Cannot read properties of undefined (reading 'members')"},
                           500)
    member = source.member(user.id) if user else None
    if user is None or not ((member and member.is_admin) or user.is_admin):
        return json_result({"error": "Forbidden"}, 500)
    body = await read_body(request)
    title = store.unique_title(str(body.get("title") or source.title))
    return json_result(copy_board_tree(store, source, title).id)


def copy_board_tree(store: WekanStore, source: Board, title: str) -> Board:
    """`Board.copy()`: swimlanes, lists, cards, labels, members and webhooks come along."""
    board = copying.deepcopy(source)
    board.id, board.title, board.created_at = meteor_id(), title, store.clock()
    # W models/boards.js copy() does `delete this.slug`, so the slug autoValue rebuilds it
    # from the new title on insert.
    board.slug = slugify(title)
    store.boards[board.id] = board
    lane_map: dict[str, str] = {}
    list_map: dict[str, str] = {}
    for lane in store.board_swimlanes(source.id):
        lane_map[lane.id] = store.add_swimlane(board.id, lane.title, lane.sort).id
    default_lane = next(iter(lane_map.values()), "")
    for blist in store.board_lists(source.id):
        new_list = store.add_list(board.id, blist.title, lane_map.get(blist.swimlane_id,
                                                                       default_lane))
        new_list.sort = blist.sort
        list_map[blist.id] = new_list.id
    for card in [c for c in store.cards.values() if c.board_id == source.id and not c.archived]:
        clone = copying.deepcopy(card)
        clone.id, clone.board_id = meteor_id(), board.id
        clone.list_id = list_map.get(card.list_id, card.list_id)
        clone.swimlane_id = lane_map.get(card.swimlane_id or "", card.swimlane_id)
        store.cards[clone.id] = clone
    for hook in [h for h in store.integrations.values() if h.board_id == source.id]:
        clone_hook = copying.deepcopy(hook)
        clone_hook.id, clone_hook.board_id = meteor_id(), board.id
        store.integrations[clone_hook.id] = clone_hook
    return board


@routes.put("/api/boards/{boardId}/title")
async def put_title(request: web.Request) -> web.Response:
    """PUT /api/boards/:boardId/title (W server/models/boards.js v11.07): write access, then
    `$set: {title}` straight on the collection (no slug rebuilt), `200 {_id, title}`; any
    failure is also answered 200, with the error as the body."""
    try:
        _, board = check_board(request, request.match_info["boardId"], "write")
    except MeteorError as error:
        return json_result(error.serialized())
    title = (await read_body(request)).get("title")
    board.title = str(title) if title is not None else board.title
    return json_result({"_id": board.id, "title": board.title})


@routes.post("/api/boards/{boardId}/members/{userId}/add")
async def add_member(request: web.Request) -> web.StreamResponse:
    """POST /api/boards/:boardId/members/:userId/add (W server/models/users.js)."""
    return await meteor_200(_add_member)(request)


async def _add_member(request: web.Request) -> web.Response:  # noqa: PLR0911 (W's branches)
    store, body = request.app[STORE_KEY], await read_body(request)
    caller = current_user(request)
    if caller is None:
        return json_result({"error": "Unauthorized"}, 401)
    board = store.boards.get(request.match_info["boardId"])
    # W server/models/users.js: `allowIsBoardAdmin(req.userId, authBoard)` is falsy for an
    # unknown board, so only a site admin gets past it; then `getBoards({_id})` is empty
    # and the answer is `200 []`.
    entry = board.member(caller.id) if board else None
    if not ((entry and entry.is_active and entry.is_admin) or caller.is_admin):
        return json_result({"error": "Only a board admin can add board members"}, 403)
    flags = _requested_flags(body)
    if flags is None:
        return json_result({"error": f"invalid role: {body.get('role')}"}, 400)
    target = store.users.get(request.match_info["userId"])
    if target is None:
        return json_result(None)  # `data` undefined: an empty 200
    if body.get("action") != "add":
        # Without action "add" nothing happens and the user document is echoed back.
        return json_result(user_doc(target, []))
    if target.login_disabled:
        return json_result({"error": "User is disabled"}, 400)
    if board is None:
        return json_result([])
    existing = board.member(target.id)
    if existing is None or not existing.is_active:
        is_admin = flags.pop("isAdmin", False)
        if existing is None:
            board.members.append(Member(user_id=target.id, is_admin=is_admin, flags=flags))
        else:
            existing.is_active, existing.is_admin, existing.flags = True, is_admin, flags
    return json_result([{"_id": board.id, "title": board.title}])


def _requested_flags(body: dict[str, object]) -> dict[str, bool] | None:
    if "role" in body:
        role = str(body["role"]).lower()
        if role not in _ROLE_TO_FLAG:
            return None
        flags = dict.fromkeys(("isAdmin", *ROLE_FLAGS), False)
        flag = _ROLE_TO_FLAG[role]
        if flag:
            flags[flag] = True
        return flags
    return {name: _truthy(body.get(name)) for name in ("isAdmin", *ROLE_FLAGS)}


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() == "true"


@routes.put("/api/boards/{boardId}/labels")
async def put_label(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    board = store.boards.get(request.match_info["boardId"])
    caller = current_user(request)
    if caller is None:
        return json_result({"error": "Unauthorized"}, 401)
    if board is None:
        return json_result({"error": "Board not found"}, 404)
    entry = board.member(caller.id)
    if not ((entry and entry.is_active and entry.is_admin) or caller.is_admin):
        return json_result({"error": "Only a board admin can create or edit labels"}, 403)
    raw = (await read_body(request)).get("label")
    name, color = (raw.get("name", ""), raw.get("color") or "green") if isinstance(
        raw, dict) else (raw, "green")
    if not isinstance(name, str) or color not in LABEL_COLORS:
        return json_result({"error": "Invalid label"}, 400)
    found = next((x for x in board.labels if x.name == name and x.color == color), None)
    return json_result((found or store.add_label(board, name, color)).id)
