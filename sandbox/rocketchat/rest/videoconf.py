"""video-conference.* (rest-typings 7.x videoConference; Rocket.Chat 7.x
apps/meteor/server/services/video-conference/service.ts)."""

from __future__ import annotations

from typing import Any

from sandbox.rocketchat.rest.core import RestContext, route
from sandbox.rocketchat.rest.validation import Schema
from sandbox.rocketchat.state import videoconf

START = Schema({"roomId": "string", "title": "string", "allowRinging": "boolean"},
               required=("roomId",))
JOIN = Schema({"callId": "string", "state": "object"}, required=("callId",))
CANCEL = Schema({"callId": "string"}, required=("callId",))
INFO = Schema({"callId": "string"}, required=("callId",))
CAPABILITIES = {"mic": True, "cam": True, "title": True}


@route("POST", "video-conference.start", body=START, rate_limit=3)
async def start(ctx: RestContext) -> dict[str, Any]:
    room = ctx.room_by_id(ctx.body["roomId"])
    call = videoconf.start(ctx.store, ctx.user, room, ctx.body.get("title"))
    return {"data": videoconf.start_response(call, room)}


@route("POST", "video-conference.join", body=JOIN)
async def join(ctx: RestContext) -> dict[str, Any]:
    url = videoconf.join(ctx.store, ctx.user, ctx.body["callId"])
    return {"url": url, "providerName": videoconf.get(ctx.store, ctx.body["callId"]).provider_name}


@route("POST", "video-conference.cancel", body=CANCEL)
async def cancel(ctx: RestContext) -> dict[str, Any]:
    videoconf.cancel(ctx.store, ctx.body["callId"])
    return {}


@route("GET", "video-conference.info", query=INFO)
async def info(ctx: RestContext) -> dict[str, Any]:
    call = videoconf.get(ctx.store, ctx.query["callId"])
    return {**call.to_wire(), "capabilities": CAPABILITIES}


@route("GET", "video-conference.capabilities")
async def capabilities(ctx: RestContext) -> dict[str, Any]:
    return {"providerName": ctx.store.settings.get("VideoConf_Default_Provider"),
            "capabilities": CAPABILITIES}
