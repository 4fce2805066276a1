"""User creation by a site admin, the one Wekan call `ensemble-bot provision` adds.

W models/users.js (v11.07) `JsonRoutes.add('POST', '/api/users/', …)`: `checkUserId` (401
without a token, 403 unless site admin), then `Accounts.createUser({username, email,
password, from: 'admin'})`, answering `{_id}`; a taken username or e-mail is Meteor's
`Error(403, 'Username already exists.')` / `'Email already exists.'` (accounts-password),
sent with HTTP 200 like every error of that route (envelope 1). There is no REST route that
makes an account a site admin: that is Admin Panel › People (or the database).
"""

from __future__ import annotations

from aiohttp import web

from .auth import STORE_KEY, check_site_admin, read_body
from .errors import json_result, meteor_200

routes = web.RouteTableDef()


def _taken(reason: str) -> web.Response:
    return json_result({"isClientSafe": True, "error": 403, "reason": reason,
                        "message": f"{reason} [403]", "errorType": "Meteor.Error"})


@routes.post("/api/users/")
@routes.post("/api/users")
@meteor_200
async def create_user(request: web.Request) -> web.Response:
    check_site_admin(request)
    store, body = request.app[STORE_KEY], await read_body(request)
    username = str(body.get("username") or "")
    if not username:
        return json_result({"isClientSafe": True, "error": 400,
                            "reason": "Need to set a username or email",
                            "message": "Need to set a username or email [400]",
                            "errorType": "Meteor.Error"})
    if store.user_by_username(username) is not None:
        return _taken("Username already exists.")
    email = str(body.get("email") or "")
    if email and any(u.email == email for u in store.users.values()):
        return _taken("Email already exists.")
    password = str(body["password"]) if body.get("password") else None
    user = store.add_user(username, "", password)
    if email:
        user.email = email
    return json_result({"_id": user.id})
