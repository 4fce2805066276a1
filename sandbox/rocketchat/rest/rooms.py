"""Room endpoints: groups.*, channels.*, im.create, rooms.*, subscriptions.get."""

from __future__ import annotations

from typing import Any

from sandbox.rocketchat.clock import parse_iso
from sandbox.rocketchat.errors import MeteorError, Unauthorized
from sandbox.rocketchat.rest.core import RestContext, route
from sandbox.rocketchat.rest.lookup import room_by_id_or_name
from sandbox.rocketchat.rest.validation import Schema
from sandbox.rocketchat.state import rooms
from sandbox.rocketchat.state.models import Room

ROOM_REF: dict[str, str | tuple[str, ...]] = {"roomId": "string", "roomName": "string"}
GROUP_CREATE = Schema({"name": "string", "members": "array", "readOnly": "boolean",
                       "customFields": "object", "extraData": "object",
                       "excludeSelf": "boolean"}, required=("name",))
INVITE = Schema({**ROOM_REF, "userId": "string", "userIds": "array"})
KICK = Schema({**ROOM_REF, "userId": "string"}, required=("userId",))
ROOM_ONLY = Schema(ROOM_REF)
TOPIC = Schema({**ROOM_REF, "topic": "string"}, required=("topic",))
ANNOUNCEMENT = Schema({**ROOM_REF, "announcement": "string"}, required=("announcement",))
# dmMembersAction's projection (federated and freeSwitchExtension are absent here)
DM_MEMBER_FIELDS = ("_id", "username", "name", "status", "statusText", "utcOffset")
IM_CREATE = Schema({"username": "string", "usernames": "string", "excludeSelf": "boolean"})


def _require(ctx: RestContext, permission: str, room: Room) -> None:
    if not ctx.store.has_permission(ctx.user, permission, room.id):
        raise Unauthorized()


@route("POST", "groups.create", body=GROUP_CREATE)
async def groups_create(ctx: RestContext) -> dict[str, Any]:
    if not ctx.store.has_permission(ctx.user, "create-p"):
        raise Unauthorized()
    # createUsersSubscriptions reads `Users.findUsersByUsernames(members)`: an unknown
    # username is skipped, not refused; the whole roster costs this one call (RC
    # apps/meteor/app/lib/server/functions/createRoom.ts, 7.x).
    found = (ctx.store.find_user(str(name)) for name in ctx.body.get("members", []))
    members = [user for user in found if user is not None]
    room = rooms.create_room(ctx.store, ctx.body["name"], "p", ctx.user, members)
    room.read_only = bool(ctx.body.get("readOnly", False))
    return {"group": room.to_wire()}


@route("POST", "groups.invite", body=INVITE)
async def groups_invite(ctx: RestContext) -> dict[str, Any]:
    room = room_by_id_or_name(ctx, "p", check_archived=True)
    _require(ctx, "add-user-to-joined-room", room)
    ids = ctx.body.get("userIds") or [ctx.body.get("userId")]
    for uid in ids:
        user = ctx.store.users.get(str(uid))
        if user is None:
            raise MeteorError("error-invalid-user", "Invalid user")
        rooms.add_member(ctx.store, room, user, by=ctx.user)
    return {"group": room.to_wire()}


@route("POST", "groups.kick", body=KICK)
async def groups_kick(ctx: RestContext) -> dict[str, Any]:
    room = room_by_id_or_name(ctx, "p", check_archived=True)
    _require(ctx, "remove-user", room)
    user = ctx.store.users.get(ctx.body["userId"])
    if user is None:
        raise MeteorError("error-invalid-user", "Invalid user")
    rooms.remove_member(ctx.store, room, user, by=ctx.user)
    return {"group": room.to_wire()}


@route("POST", "groups.archive", body=ROOM_ONLY)
async def groups_archive(ctx: RestContext) -> dict[str, Any]:
    room = room_by_id_or_name(ctx, "p", check_archived=True)
    _require(ctx, "archive-room", room)
    rooms.archive(ctx.store, room, ctx.user)
    return {}


@route("POST", "groups.setTopic", body=TOPIC)
async def groups_set_topic(ctx: RestContext) -> dict[str, Any]:
    room = room_by_id_or_name(ctx, "p", check_archived=True)
    _require(ctx, "edit-room", room)
    rooms.set_topic(ctx.store, room, ctx.user, ctx.body["topic"])
    return {"topic": ctx.body["topic"]}


@route("POST", "groups.setAnnouncement", body=ANNOUNCEMENT)
async def groups_set_announcement(ctx: RestContext) -> dict[str, Any]:
    room = room_by_id_or_name(ctx, "p", check_archived=True)
    _require(ctx, "edit-room", room)
    rooms.set_announcement(ctx.store, room, ctx.user, ctx.body["announcement"])
    return {"announcement": ctx.body["announcement"]}


@route("POST", "channels.join", body=Schema({**ROOM_REF, "joinCode": "string"}))
async def channels_join(ctx: RestContext) -> dict[str, Any]:
    room = room_by_id_or_name(ctx, "c")
    rooms.add_member(ctx.store, room, ctx.user)
    return {"channel": room.to_wire()}


@route("GET", "groups.info")
async def groups_info(ctx: RestContext) -> dict[str, Any]:
    return {"group": room_by_id_or_name(ctx, "p").to_wire()}


@route("GET", "channels.info")
async def channels_info(ctx: RestContext) -> dict[str, Any]:
    return {"channel": room_by_id_or_name(ctx, "c").to_wire()}


def _filtered(ctx: RestContext, members: list[str]) -> list[dict[str, Any]]:
    found = [ctx.store.users[uid].public() for uid in members]
    # `filter`: case-insensitive substring of username or name, the term regex-escaped
    # (RC server/lib/findUsersOfRoom.ts, `new RegExp(escapeRegExp(filter), 'i')`).
    term = ctx.query.get("filter", "").casefold()
    if term:
        found = [u for u in found if term in str(u.get("username", "")).casefold()
                 or term in str(u.get("name", "")).casefold()]
    return found


def _page(ctx: RestContext, found: list[dict[str, Any]]) -> dict[str, Any]:
    offset, count = int(ctx.query.get("offset", "0")), int(ctx.query.get("count", "50"))
    page = found[offset:offset + count]
    return {"members": page, "count": len(page), "offset": offset, "total": len(found)}


def _members(kind: str) -> Any:
    async def members(ctx: RestContext) -> dict[str, Any]:
        room = room_by_id_or_name(ctx, kind)
        return _page(ctx, _filtered(ctx, room.members))

    return members


route("GET", "groups.members")(_members("p"))
route("GET", "channels.members")(_members("c"))


def _direct_room(ctx: RestContext) -> Room:
    """findDirectMessageRoom (RC apps/meteor/app/api/server/v1/im.ts): `roomId`, else the DM
    with `username` (getRoomByNameOrIdWithOptionToJoin, type 'd')."""
    key = ctx.query.get("roomId") if "roomId" in ctx.query else ctx.query.get("username")
    if key is None:
        raise MeteorError("error-room-param-not-provided",
                          'Query param "roomId" or "username" is required')
    peer = ctx.store.find_user(key)
    rid = "".join(sorted({ctx.user.id, peer.id})) if peer is not None else key
    room = ctx.store.rooms.get(rid)
    if room is None or room.t != "d":
        raise MeteorError("error-room-not-found",
                          'The required "roomId" param provided does not match any direct message')
    return room


async def _dm_members(ctx: RestContext) -> dict[str, Any]:
    """GET im.members / dm.members (RC apps/meteor/app/api/server/v1/im.ts dmMembersAction):
    active users of `room.uids` matching `filter`, each with its `subscription`, paginated
    `{members, count, offset, total}`; 403 without access. Sorted by username here (upstream
    sorts by `_updatedAt` first, which the sandbox's users do not carry)."""
    room = _direct_room(ctx)
    if not ctx.store.can_access(room, ctx.user):
        raise Unauthorized()
    active = [uid for uid in room.members if ctx.store.users[uid].active]
    found = sorted(_filtered(ctx, active), key=lambda user: str(user["username"]))
    projected = [{key: user[key] for key in DM_MEMBER_FIELDS if key in user} for user in found]
    for member in projected:
        subscription = ctx.store.subscription(room.id, member["_id"])
        member["subscription"] = (
            {"_id": subscription.id, "ts": subscription.created_at} if subscription else {})
    return _page(ctx, projected)


route("GET", "im.members")(_dm_members)
route("GET", "dm.members")(_dm_members)


def _roles(kind: str) -> Any:
    # GET channels.roles / groups.roles (since 0.65): one entry per member holding a room role.
    # Shape from developer.rocket.chat/apidocs/get-channel-roles and list-group-roles.
    async def roles(ctx: RestContext) -> dict[str, Any]:
        room = room_by_id_or_name(ctx, kind)
        entries = []
        for uid in room.members:
            held = [name for name, holders in (("owner", room.owners),
                                                ("moderator", room.moderators)) if uid in holders]
            if held:
                user = ctx.store.users[uid]
                entries.append({"_id": f"{room.id}-{uid}", "rid": room.id, "roles": held,
                                "u": {"_id": uid, "username": user.username, "name": user.name}})
        return {"roles": entries}

    return roles


route("GET", "groups.roles")(_roles("p"))
route("GET", "channels.roles")(_roles("c"))


@route("GET", "rooms.info")
async def rooms_info(ctx: RestContext) -> dict[str, Any]:
    key = ctx.query.get("roomId") or ctx.query.get("roomName") or ""
    room = ctx.store.find_room(key)
    if room is None or not ctx.store.can_access(room, ctx.user):
        # rooms.ts: API.v1.failure('not-allowed', 'Not Allowed')
        raise _NotAllowed()
    return {"room": room.to_wire()}


class _NotAllowed(MeteorError):
    def __init__(self) -> None:
        super().__init__("Not Allowed")

    @property
    def message(self) -> str:
        return "not-allowed"


@route("GET", "rooms.get")
async def rooms_get(ctx: RestContext) -> dict[str, Any]:
    found = [room.to_wire() for room in ctx.store.user_rooms(ctx.user.id)]
    if "updatedSince" in ctx.query:
        since = parse_iso(ctx.query["updatedSince"])
        found = [room for room in found if room["_updatedAt"] > since]
    return {"update": found, "remove": []}


@route("GET", "subscriptions.get")
async def subscriptions_get(ctx: RestContext) -> dict[str, Any]:
    uid = ctx.user.id
    found = [sub.to_wire() for (_, owner), sub in ctx.store.subscriptions.items() if owner == uid]
    if "updatedSince" in ctx.query:
        since = parse_iso(ctx.query["updatedSince"])
        found = [sub for sub in found if sub["_updatedAt"] > since]
    return {"update": found, "remove": []}


async def _im_create(ctx: RestContext) -> dict[str, Any]:
    names = [ctx.body["username"]] if "username" in ctx.body else []
    names += [n.strip() for n in str(ctx.body.get("usernames", "")).split(",") if n.strip()]
    if not names:
        raise MeteorError("invalid-params", "must have required property 'username'")
    peers = []
    for name in names:
        peer = ctx.store.find_user(name)
        if peer is None:
            raise MeteorError("error-invalid-user", "Invalid user")
        peers.append(peer)
    members = peers if ctx.body.get("excludeSelf") else [ctx.user, *peers]
    room = rooms.direct_room(ctx.store, members)
    return {"room": {**room.to_wire(), "rid": room.id}}


route("POST", "im.create", body=IM_CREATE)(_im_create)
route("POST", "dm.create", body=IM_CREATE)(_im_create)
