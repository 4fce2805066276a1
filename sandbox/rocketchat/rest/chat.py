"""chat.* endpoints (rest-typings 7.x chat.ts schemas; api/server/v1/chat.ts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.rocketchat.clock import parse_iso, to_ms
from sandbox.rocketchat.errors import MeteorError, ServerError
from sandbox.rocketchat.rest.core import RestContext, route
from sandbox.rocketchat.rest.validation import Schema, validate
from sandbox.rocketchat.state import messages, rooms
from sandbox.rocketchat.state.models import Room

POST_MESSAGE_FIELDS: dict[str, str | tuple[str, ...]] = {
    "roomId": ("string", "array"), "channel": ("string", "array"), "text": "string",
    "alias": "string", "emoji": "string", "avatar": "string", "attachments": "array",
    "parseUrls": "boolean", "customFields": "object", "tmid": "string",
}
POST_MESSAGE = Schema(POST_MESSAGE_FIELDS, one_of_required=(("roomId",), ("channel",)))
SEND_MESSAGE = Schema({"message": "object", "previewUrls": "array"}, required=("message",))
# rest-typings chatSendMessageSchema: only the outer object is strict; the inner `message`
# has no additionalProperties:false and every field but `rid` is `nullable: true`
# (RC packages/rest-typings/src/v1/chat.ts). `rid` is required here; upstream only fails
# later, in executeSendMessage ("The 'rid' property on the message object is missing.").
MESSAGE_FIELDS = Schema(
    {"_id": "string", "rid": "string", "tmid": "string", "msg": "string", "alias": "string",
     "emoji": "string", "avatar": "string", "attachments": "array", "blocks": "array",
     "customFields": "object", "tshow": "boolean"},
    required=("rid",),
    additional=True,
    nullable=frozenset({"_id", "tmid", "msg", "alias", "emoji", "avatar", "attachments",
                        "blocks", "customFields", "tshow"}),
)
UPDATE = Schema({"roomId": "string", "msgId": "string", "text": "string",
                 "previewUrls": "array", "customFields": "object"},
                required=("roomId", "msgId", "text"))
DELETE = Schema({"msgId": "string", "roomId": "string", "asUser": "boolean"},
                required=("msgId", "roomId"))
REACT = Schema({"emoji": "string", "reaction": "string", "messageId": "string",
                "shouldReact": "boolean"}, required=("messageId",))
PIN = Schema({"messageId": "string"}, required=("messageId",))
GET_MESSAGE = Schema({"msgId": "string"}, required=("msgId",))
SYNC = Schema({"roomId": "string", "lastUpdate": "string", "next": "string",
               "previous": "string", "count": "string", "type": "string"},
              required=("roomId",))


def _target_room(ctx: RestContext, channel: str) -> Room:
    """processWebhookMessage: `#name` (joins a public channel), `@username` (DM), or id/name.

    Source: apps/meteor/app/lib/server/functions/processWebhookMessage.ts
    (getRoomByNameOrIdWithOptionToJoin with joinChannel for `#`).
    """
    store = ctx.store
    if channel.startswith("@"):
        peer = store.find_user(channel)
        if peer is None:
            raise MeteorError("invalid-channel")
        return rooms.direct_room(store, [ctx.user, peer])
    room = store.find_room(channel)
    if room is None:
        raise MeteorError("invalid-channel")
    if channel.startswith("#") and room.t == "c" and ctx.user.id not in room.members:
        rooms.add_member(store, room, ctx.user)
    return room


@route("POST", "chat.postMessage", body=POST_MESSAGE)
async def post_message(ctx: RestContext) -> dict[str, Any]:
    body = ctx.body
    if body.get("tmid") and "roomId" not in body:
        raise MeteorError("invalid-params", "must NOT have additional properties")
    target = body.get("roomId") or body.get("channel")
    channel = target[0] if isinstance(target, list) else str(target)
    room = _target_room(ctx, channel)
    fields = {"msg": body.get("text", ""), "groupable": False}
    for key in ("alias", "emoji", "avatar", "attachments", "customFields", "parseUrls", "tmid"):
        if key in body:
            fields[key] = body[key]
    message = messages.send_message(ctx.store, ctx.user, room, fields)
    return {"ts": to_ms(ctx.store.now()), "channel": target, "message": message}


@route("POST", "chat.sendMessage", body=SEND_MESSAGE)
async def send_message(ctx: RestContext) -> dict[str, Any]:
    fields = validate(MESSAGE_FIELDS, ctx.body["message"])
    room = ctx.room_by_id(fields["rid"])
    given = {key: value for key, value in fields.items() if value is not None}
    message = messages.send_message(ctx.store, ctx.user, room, given)
    if message is None:
        # sendMessage() returns undefined for an existing _id and normalizeMessagesForUser
        # then throws on it (chat.ts@026bdc0); the exact TypeError text is unverified.
        raise ServerError("Cannot read properties of undefined (reading 'u')")
    return {"message": message}


@route("POST", "chat.update", body=UPDATE)
async def update(ctx: RestContext) -> dict[str, Any]:
    original = ctx.store.messages.get(ctx.body["msgId"])
    if original is None or original["rid"] != ctx.body["roomId"]:
        raise MeteorError("error-invalid-params",
                          "The room id provided does not match where the message is from.")
    message = messages.edit_message(ctx.store, ctx.user, ctx.body["msgId"], ctx.body["text"])
    return {"message": message}


@route("POST", "chat.delete", body=DELETE)
async def delete(ctx: RestContext) -> dict[str, Any]:
    original = ctx.store.messages.get(ctx.body["msgId"])
    if original is None:
        raise MeteorError("error-message-not-found",
                          'The provided "msgId" does not match any existing message.')
    if original["rid"] != ctx.body["roomId"]:
        raise MeteorError("error-invalid-params",
                          "The room id provided does not match where the message is from.")
    messages.delete_message(ctx.store, ctx.user, original["_id"])
    return {"_id": original["_id"], "ts": to_ms(ctx.store.now()),
            "message": {"_id": original["_id"], "rid": original["rid"], "u": original["u"]}}


@route("GET", "chat.getMessage", query=GET_MESSAGE)
async def get_message(ctx: RestContext) -> dict[str, Any]:
    message = ctx.store.messages.get(ctx.query["msgId"])
    if message is None:
        raise MeteorError("error-not-allowed", "Not allowed")
    room = ctx.store.rooms[message["rid"]]
    if not ctx.store.can_access(room, ctx.user):
        raise MeteorError("error-not-allowed", "Not allowed")
    return {"message": message}


@route("POST", "chat.react", body=REACT)
async def react(ctx: RestContext) -> dict[str, Any]:
    emoji = ctx.body.get("emoji") or ctx.body.get("reaction")
    if not emoji:
        raise MeteorError("error-emoji-param-not-provided",
                          'The required "emoji" param is missing.')
    if ctx.body["messageId"] not in ctx.store.messages:
        raise MeteorError("error-message-not-found",
                          'The provided "messageId" does not match any existing message.')
    messages.set_reaction(ctx.store, ctx.user, emoji, ctx.body["messageId"],
                          ctx.body.get("shouldReact"))
    return {}


@route("POST", "chat.pinMessage", body=PIN)
async def pin(ctx: RestContext) -> dict[str, Any]:
    if ctx.body["messageId"] not in ctx.store.messages:
        raise MeteorError("error-message-not-found",
                          'The provided "messageId" does not match any existing message.')
    return {"message": messages.pin_message(ctx.store, ctx.user, ctx.body["messageId"])}


@route("GET", "chat.syncMessages", query=SYNC)
async def sync_messages(ctx: RestContext) -> dict[str, Any]:
    """lastUpdate mode (6.x/7.x) and the 7.x cursor mode (`type`, `next`, `count`)."""
    query, store = ctx.query, ctx.store
    # Parameter checks come before the room lookup (RC apps/meteor/app/api/server/v1/chat.ts,
    # chat.syncMessages): an empty `lastUpdate` counts as absent, an unparsable one is a 400.
    last_update = query.get("lastUpdate")
    if not last_update and not query.get("type"):
        raise MeteorError("error-param-required",
                          'The "type" or "lastUpdate" parameters must be provided')
    since = _js_date(last_update) if last_update else None
    room = store.rooms.get(query["roomId"])
    if room is None or not store.can_access(room, ctx.user):
        raise MeteorError("error-not-allowed", "Not allowed")
    if since is not None:
        updated = [m for m in store.room_messages(room.id) if m["_updatedAt"] > since]
        deleted = [{"_id": d.id, "_deletedAt": d.deleted_at} for d in store.deleted
                   if d.rid == room.id and d.deleted_at > since]
        return {"result": {"updated": list(reversed(updated)), "deleted": deleted}}
    return {"result": _cursor_page(ctx, room)}


def _js_date(text: str) -> datetime:
    """`isNaN(Date.parse(lastUpdate))` refused as error-lastUpdate-param-invalid (chat.ts).

    Only ISO 8601, what Rocket.Chat's clients send; Date.parse also takes RFC 2822 dates.
    """
    try:
        return parse_iso(text)
    except ValueError:
        raise MeteorError("error-lastUpdate-param-invalid",
                          'The "lastUpdate" query parameter must be a valid date') from None


def _cursor_page(ctx: RestContext, room: Room) -> dict[str, Any]:
    query, store = ctx.query, ctx.store
    count = int(query.get("count", "20"))
    after = int(query.get("next", "0"))
    if query["type"] == "DELETED":
        items: list[dict[str, Any]] = [
            {"_id": d.id, "_deletedAt": d.deleted_at} for d in store.deleted
            if d.rid == room.id and to_ms(d.deleted_at) > after]
        stamps = [to_ms(item["_deletedAt"]) for item in items[:count]]
        key = "deleted"
    else:
        items = sorted((m for m in store.room_messages(room.id)
                        if to_ms(m["_updatedAt"]) > after), key=lambda m: m["_updatedAt"])
        stamps = [to_ms(item["_updatedAt"]) for item in items[:count]]
        key = "updated"
    page = items[:count]
    cursor = {"next": str(stamps[-1]) if len(items) > count else None,
              "previous": str(stamps[0]) if stamps else None}
    return {key: page, "cursor": cursor}


def _history(kind: str) -> Any:
    async def history(ctx: RestContext) -> dict[str, Any]:
        query = ctx.query
        room = ctx.store.find_room(query.get("roomId") or query.get("roomName") or "")
        if room is None or room.t != kind or not ctx.store.can_access(room, ctx.user):
            raise MeteorError("error-room-not-found", "Room not found")
        found = ctx.store.room_messages(room.id)
        if "oldest" in query:
            found = [m for m in found if m["ts"] > parse_iso(query["oldest"])]
        if "latest" in query:
            found = [m for m in found if m["ts"] < parse_iso(query["latest"])]
        count = int(query.get("count", "20"))
        return {"messages": list(reversed(found))[:count], "count": min(count, len(found)),
                "offset": 0, "total": len(found)}

    return history


route("GET", "channels.history")(_history("c"))
route("GET", "groups.history")(_history("p"))
route("GET", "im.history")(_history("d"))
route("GET", "dm.history")(_history("d"))
