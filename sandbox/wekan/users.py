"""User routes (W server/models/users.js): admin-only except `/api/user`; envelope 1."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .auth import STORE_KEY, check_logged_in, check_site_admin
from .documents import member_doc, user_doc
from .errors import WekanCrash, json_result, meteor_200
from .models import User
from .store import WekanStore

routes = web.RouteTableDef()


def memberships(store: WekanStore, user: User) -> list[dict[str, Any]]:
    """The user's entry of every board they were ever added to, with `boardId`."""
    found = []
    for board in store.boards.values():
        member = board.member(user.id)
        if board.type == "board" and member is not None:
            entry = member_doc(member)
            entry.pop("userId", None)
            found.append({**entry, "boardId": board.id})
    return found


@routes.get("/api/user")
@meteor_200
async def me(request: web.Request) -> web.Response:
    user = check_logged_in(request)
    return json_result(user_doc(user, memberships(request.app[STORE_KEY], user)))


@routes.get("/api/users")
@meteor_200
async def all_users(request: web.Request) -> web.Response:
    check_site_admin(request)
    users = request.app[STORE_KEY].users.values()
    return json_result([{"_id": u.id, "username": u.username} for u in users])


@routes.get("/api/users/{userId}")
@meteor_200
async def one_user(request: web.Request) -> web.Response:
    check_site_admin(request)
    store, key = request.app[STORE_KEY], request.match_info["userId"]
    user = store.users.get(key) or store.user_by_username(key)
    if user is None:
        raise WekanCrash("Cannot read properties of undefined (reading '_id')")
    return json_result(user_doc(user, memberships(store, user)))
