"""`/_sandbox/*`: JSON control API for tests, the demo and external drivers (no auth).

Every route calls the same SandboxState methods tests use in-process.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from sandbox.rocketchat.clock import from_ms, parse_iso
from sandbox.rocketchat.ejson import to_rest
from sandbox.rocketchat.errors import MeteorError, ServerError, Unauthorized
from sandbox.rocketchat.runtime import RUNTIME_KEY, Runtime

Body = dict[str, Any]
Action = Callable[[Runtime, Body], Awaitable[Any]]
routes = web.RouteTableDef()


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    return from_ms(int(value)) if value.isdigit() else parse_iso(value)


async def _users(rt: Runtime, body: Body) -> Any:
    user = rt.state.create_user(body["username"], name=body.get("name"),
                                roles=body.get("roles"), password=body.get("password"))
    result: Body = {"user_id": user.id, "username": user.username, "roles": user.roles}
    if body.get("token"):
        result["token"] = rt.state.create_personal_access_token(user.username)
    return result


async def _register(rt: Runtime, body: Body) -> Any:
    user = rt.state.register(body["username"], name=body.get("name"), roles=body.get("roles"),
                             language=body.get("language"))
    return {"user_id": user.id, "username": user.username, "roles": user.roles}


async def _rooms(rt: Runtime, body: Body) -> Any:
    room = rt.state.create_room(body.get("name", ""), body.get("type", "c"),
                                body.get("members", []), owner=body.get("owner"),
                                read_only=bool(body.get("read_only", False)))
    return {"room_id": room.id, "name": room.name, "type": room.t}


async def _post(rt: Runtime, body: Body) -> Any:
    result = rt.state.post(body["username"], body["room"], body.get("text", ""),
                           tmid=body.get("tmid"), client=body.get("client"),
                           file=body.get("file"))
    return {**result.to_json(), "message": result.message}


async def _direct(rt: Runtime, body: Body) -> Any:
    result = rt.state.direct_post(body["username"], body["to"], body.get("text", ""))
    return {**result.to_json(), "message": result.message}


async def _click(rt: Runtime, body: Body) -> Any:
    result = rt.state.click(body["username"], body["message_id"], body["button"],
                            body.get("client", "web"))
    return {**result.to_json(), "message": result.message}


async def _call(rt: Runtime, body: Body) -> Any:
    return rt.state.call(body["username"], body["room"])


async def _edit(rt: Runtime, body: Body) -> Any:
    return {"message": rt.state.edit(body["username"], body["message_id"], body["text"])}


async def _react(rt: Runtime, body: Body) -> Any:
    return {"message": rt.state.react(body["username"], body["message_id"], body["emoji"])}


async def _delete(rt: Runtime, body: Body) -> Any:
    rt.state.delete(body["username"], body["message_id"])
    return {"deleted": body["message_id"]}


async def _pin(rt: Runtime, body: Body) -> Any:
    return {"message": rt.state.pin(body["username"], body["message_id"])}


async def _restart(rt: Runtime, body: Body) -> Any:
    return {"dropped": await rt.restart()}


async def _faults(rt: Runtime, body: Body) -> Any:
    rt.faults.update(body)
    return rt.faults.to_json()


async def _settings(rt: Runtime, body: Body) -> Any:
    return rt.state.update_settings(body)


async def _permissions(rt: Runtime, body: Body) -> Any:
    granted = rt.state.store.granted.setdefault(body["role"], set())
    granted.update(body.get("add", []))
    granted.difference_update(body.get("remove", []))
    return {"role": body["role"], "granted": sorted(granted)}


async def _room_role(rt: Runtime, body: Body) -> Any:
    """Like groups.addOwner / addModerator (or their remove*, with "remove": true)."""
    room, user = rt.state.store.room(body["room"]), rt.state.store.user(body["username"])
    holders = {"owner": room.owners, "moderator": room.moderators}[body["role"]]
    if body.get("remove"):
        holders.discard(user.id)
    else:
        holders.add(user.id)
    return {"room": room.id, "owners": sorted(room.owners), "moderators": sorted(room.moderators)}


async def _clock(rt: Runtime, body: Body) -> Any:
    rt.state.store.clock.advance(float(body.get("advance", 0)))
    return {"now": rt.state.store.now()}


ACTIONS: dict[str, Action] = {
    "users": _users, "rooms": _rooms, "post": _post, "direct": _direct, "click": _click,
    "register": _register,
    "call": _call, "edit": _edit, "react": _react, "delete": _delete, "pin": _pin,
    "restart": _restart, "faults": _faults, "settings": _settings,
    "permissions": _permissions, "clock": _clock, "room-role": _room_role,
}


def _reply(payload: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(to_rest(payload)), status=status,
                        content_type="application/json")


@routes.get("/_sandbox/messages")
async def messages(request: web.Request) -> web.Response:
    query = request.query
    try:
        found = request.app[RUNTIME_KEY].state.messages(query["room"], _since(query.get("since")))
    except (KeyError, MeteorError) as error:
        return _reply({"error": str(error)}, 400)
    return _reply({"messages": found})


@routes.get("/_sandbox/dms")
async def dms(request: web.Request) -> web.Response:
    state = request.app[RUNTIME_KEY].state
    try:
        return _reply({"messages": state.dms(request.query["username"])})
    except (KeyError, MeteorError) as error:
        return _reply({"error": str(error)}, 400)


@routes.get("/_sandbox/describe")
async def describe(request: web.Request) -> web.Response:
    return _reply(request.app[RUNTIME_KEY].describe())


@routes.post("/_sandbox/{action}")
async def action(request: web.Request) -> web.Response:
    handler = ACTIONS.get(request.match_info["action"])
    if handler is None:
        return _reply({"error": "unknown control action"}, 404)
    try:
        body = await request.json() if request.can_read_body else {}
        return _reply(await handler(request.app[RUNTIME_KEY], body))
    except KeyError as error:
        return _reply({"error": f"missing field {error}"}, 400)
    except (MeteorError, ServerError, Unauthorized, ValueError) as error:
        reason = error.message if isinstance(error, MeteorError) else str(error)
        return _reply({"error": reason or type(error).__name__}, 400)
