"""Stream publications (streamer.module.ts, notifications.module.ts) and their event frames."""

from __future__ import annotations

from typing import Any

from sandbox.rocketchat.ejson import to_ejson
from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.state.events import (
    Event,
    MessageChanged,
    NotifyRoom,
    NotifyUser,
    RoomChanged,
    SubscriptionChanged,
)
from sandbox.rocketchat.state.models import User
from sandbox.rocketchat.state.store import Store

ROOM_MESSAGES = "stream-room-messages"
NOTIFY_USER = "stream-notify-user"
NOTIFY_ROOM = "stream-notify-room"
NOTIFY_LOGGED = "stream-notify-logged"
STREAMS = frozenset({ROOM_MESSAGES, NOTIFY_USER, NOTIFY_ROOM, NOTIFY_LOGGED})
MY_MESSAGES = "__my_messages__"


def check_read(store: Store, user: User | None, stream: str, event_name: str) -> None:
    """isReadAllowed per stream; raises the MeteorError that becomes the nosub error."""
    if not event_name:
        raise MeteorError("invalid-event-name")
    if user is None:
        raise MeteorError("not-allowed")
    if stream == ROOM_MESSAGES:
        if event_name == MY_MESSAGES:
            return
        room = store.rooms.get(event_name)
        if room is None or not store.can_access(room, user):
            raise MeteorError("not-allowed")
    elif stream == NOTIFY_USER:
        if not event_name.startswith(f"{user.id}/"):
            raise MeteorError("not-allowed")
    elif stream == NOTIFY_ROOM:
        room = store.rooms.get(event_name.split("/", 1)[0])
        if room is None or not store.can_access(room, user):
            raise MeteorError("not-allowed")


Converted = dict[int, tuple[Any, Any]]
"""Each argument's EJSON by its id, kept beside the argument (so the id is not reused)."""


def changed(
    stream: str, event_name: str, args: list[Any], converted: Converted
) -> dict[str, Any]:
    """changedPayload(stream, 'id', {eventName, args}): `id` is the literal string "id".
    `converted` is shared by the sessions one event goes to: a message is converted once."""
    ejson = []
    for arg in args:
        kept = converted.get(id(arg))
        if kept is None:
            kept = converted[id(arg)] = (arg, to_ejson(arg))
        ejson.append(kept[1])
    return {"msg": "changed", "collection": stream, "id": "id",
            "fields": {"eventName": event_name, "args": ejson}}


def route(store: Store, user: User, event: Event) -> list[tuple[str, str, list[Any]]]:
    """(stream, eventName, args) triples this user may receive for one store event."""
    match event:
        case MessageChanged(message=message):
            return _message_events(store, user, message)
        case NotifyRoom(rid=rid, event=name, args=args):
            room = store.rooms.get(rid)
            if room is not None and store.can_access(room, user):
                return [(NOTIFY_ROOM, f"{rid}/{name}", args)]
        case NotifyUser(user_id=uid, event=name, args=args) if uid == user.id:
            return [(NOTIFY_USER, f"{uid}/{name}", args)]
        case RoomChanged(action=action, room=room, user_ids=uids) if user.id in uids:
            return [(NOTIFY_USER, f"{user.id}/rooms-changed", [action, room])]
        case SubscriptionChanged(action=action, user_id=uid, subscription=sub) if uid == user.id:
            return [(NOTIFY_USER, f"{uid}/subscriptions-changed", [action, sub])]
    return []


def _message_events(
    store: Store, user: User, message: dict[str, Any]
) -> list[tuple[str, str, list[Any]]]:
    room = store.rooms.get(message["rid"])
    if room is None or not store.can_access(room, user):
        return []
    participant = user.id in room.members
    extra: dict[str, Any] = {"roomParticipant": participant, "roomType": room.t}
    if room.name:
        extra["roomName"] = room.name
    return [(ROOM_MESSAGES, room.id, [message]),
            (ROOM_MESSAGES, MY_MESSAGES, [message, extra])]
