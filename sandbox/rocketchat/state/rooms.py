"""Room life cycle: create, join/invite/kick, archive, topic, direct messages."""

from __future__ import annotations

import re

from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.state.events import RoomChanged, SubscriptionChanged
from sandbox.rocketchat.state.messages import system_message
from sandbox.rocketchat.state.models import Room, Subscription, User
from sandbox.rocketchat.state.store import Store


def _check_name(store: Store, name: str) -> None:
    """getValidRoomName: UTF8_Channel_Names_Validation and uniqueness."""
    pattern = store.settings["UTF8_Channel_Names_Validation"]
    if not re.fullmatch(pattern, name):
        raise MeteorError("error-invalid-room-name", f"{name} is not a valid room name",
                          {"channel_name": name})
    if any(room.name == name for room in store.rooms.values()):
        raise MeteorError("error-duplicate-channel-name", f"A channel with name '{name}' exists",
                          {"channel_name": name})


def create_room(
    store: Store, name: str, kind: str, creator: User | None, members: list[User],
    *, room_id: str | None = None,
) -> Room:
    _check_name(store, name)
    now = store.now()
    room = Room(id=room_id or store.ids.meteor_id(), t=kind, name=name, creator=creator,
                created_at=now, updated_at=now)
    store.rooms[room.id] = room
    if creator is not None:
        room.owners.add(creator.id)
        _subscribe(store, room, creator)
    for member in members:
        if member.id not in room.members:
            _subscribe(store, room, member)
    return room


def _subscribe(store: Store, room: Room, user: User, peer: User | None = None) -> Subscription:
    """A DM subscription is named after the peer; a room's after the room."""
    now = store.now()
    if peer is not None:
        name, fname = peer.username, peer.name
    else:
        name = fname = room.name or ""
    subscription = Subscription(id=store.ids.meteor_id(), room=room, user=user, name=name,
                                fname=fname, created_at=now, updated_at=now)
    room.members.append(user.id)
    if room.t == "d":
        room.usernames.append(user.username)
    store.subscriptions[(room.id, user.id)] = subscription
    store.bus.emit(SubscriptionChanged("inserted", user.id, subscription.to_wire()))
    store.bus.emit(RoomChanged("inserted", room.to_wire(), (user.id,)))
    return subscription


def add_member(store: Store, room: Room, user: User, by: User | None = None) -> None:
    """addUserToRoom: subscription + `au` (added by someone) or `uj` (joined) message."""
    if user.id in room.members:
        return
    _subscribe(store, room, user)
    if by is not None and by.id != user.id:
        system_message(store, room, by, "au", user.username)
    else:
        system_message(store, room, user, "uj", user.username)


def remove_member(store: Store, room: Room, user: User, by: User) -> None:
    if user.id not in room.members:
        raise MeteorError("error-user-not-in-room", "User is not in this room")
    system_message(store, room, by, "ru", user.username)
    room.members.remove(user.id)
    room.owners.discard(user.id)
    subscription = store.subscriptions.pop((room.id, user.id))
    # Only `<uid>/subscriptions-changed ["removed", sub]` reaches the removed user: the
    # rooms-changed publication just stops listening to that room and sends no frame
    # (RC apps/meteor/server/modules/notifications/notifications.module.ts, streamUser
    # `_afterPublish` userEvent `case 'removed': streamer.removeListener(rid, roomEvent)`).
    store.bus.emit(SubscriptionChanged("removed", user.id, subscription.to_wire()))
    _room_updated(store, room)


def _room_updated(store: Store, room: Room) -> None:
    room.updated_at = store.now()
    store.bus.emit(RoomChanged("updated", room.to_wire(), tuple(room.members)))


def archive(store: Store, room: Room, by: User) -> None:
    if room.archived:
        raise MeteorError("error-room-archived", "This room is already archived")
    system_message(store, room, by, "room-archived", "")
    room.archived = True
    _room_updated(store, room)


def set_topic(store: Store, room: Room, by: User, topic: str) -> None:
    room.topic = topic
    system_message(store, room, by, "room_changed_topic", topic)
    _room_updated(store, room)


def set_announcement(store: Store, room: Room, by: User, announcement: str) -> None:
    room.announcement = announcement
    system_message(store, room, by, "room_changed_announcement", announcement)
    _room_updated(store, room)


def direct_room(store: Store, users: list[User]) -> Room:
    """createDirectRoom: the id is the participants' ids sorted and concatenated."""
    unique = list({user.id: user for user in users}.values())
    rid = "".join(sorted(user.id for user in unique))
    existing = store.rooms.get(rid)
    if existing is not None:
        return existing
    now = store.now()
    room = Room(id=rid, t="d", name=None, creator=None, created_at=now, updated_at=now)
    store.rooms[rid] = room
    for user in unique:
        peer = next((other for other in unique if other.id != user.id), user)
        _subscribe(store, room, user, peer)
    return room
