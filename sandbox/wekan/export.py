"""`GET /api/boards/:boardId/export`: the whole board in one JSON document, as W's JSON export
(wekan/wekan models/export.js and models/exporter.js, v11.x).

- Unknown board: `404 {"error": "Not found"}`; a public board is exported to anyone.
- Otherwise the caller is the owner of `?authToken=` (a login token), who must see the board
  (`board.isVisibleBy`: an active member); without `authToken`, the bearer must be a site
  admin (`Users.findOne({_id: req.userId, isAdmin: true})`). Else `403` with an empty body.
- `?attachments=false` (#5870) leaves the attachments' data out; the sandbox has none anyway.
- Every list, card (archived ones too, not linked ones) and swimlane of the board, without
  their `boardId`; `users` holds only `_id`, `username` and `profile.fullname/initials` of
  the people the board refers to (its members, and the cards' creators and members).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .auth import STORE_KEY, current_user
from .documents import board_doc, card_doc, list_doc, swimlane_doc
from .errors import json_result
from .models import Board, User
from .store import WekanStore

routes = web.RouteTableDef()
EXPORT_FORMAT = "wekan-board-1.0.0"


def _without_board(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "boardId"}


def _exporter(request: web.Request, store: WekanStore) -> User | None:
    token = request.query.get("authToken")
    if token:
        return store.user_by_token(token)
    user = current_user(request)
    return user if user is not None and user.is_admin else None


def _visible(board: Board, user: User | None) -> bool:
    if board.permission == "public":
        return True
    member = board.member(user.id) if user is not None else None
    return member is not None and member.is_active


def export_doc(store: WekanStore, board: Board) -> dict[str, Any]:
    cards = [c for c in store.cards.values()
             if c.board_id == board.id and not c.extra.get("linkedId")]
    people = {m.user_id for m in board.members if m.user_id}
    for card in cards:
        people.add(card.user_id)
        people.update(card.members)
    users = [
        {"_id": u.id, "username": u.username,
         "profile": {"fullname": u.fullname,
                     "initials": "".join(p[0] for p in u.fullname.split() if p).upper()}}
        for u in store.users.values() if u.id in people
    ]
    doc = {"_format": EXPORT_FORMAT, **{k: v for k, v in board_doc(board).items()
                                        if k != "stars"}}
    doc.update({
        "attachments": [],
        "lists": [_without_board(list_doc(x)) for x in store.lists.values()
                  if x.board_id == board.id],
        "cards": [_without_board(card_doc(c)) for c in cards],
        "swimlanes": [_without_board(swimlane_doc(s)) for s in store.swimlanes.values()
                      if s.board_id == board.id],
        "customFields": [], "comments": [], "activities": [], "rules": [], "checklists": [],
        "checklistItems": [], "subtaskItems": [], "triggers": [], "actions": [],
        "users": users,
    })
    return doc


@routes.get("/api/boards/{boardId}/export")
async def export_board(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    board = store.boards.get(request.match_info["boardId"])
    if board is None:
        return json_result({"error": "Not found"}, status=404)
    if not _visible(board, _exporter(request, store)):
        return json_result(status=403)
    return json_result(export_doc(store, board))
