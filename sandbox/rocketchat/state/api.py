"""In-process control of the simulated server; the `/_sandbox/` HTTP API calls the same methods."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sandbox.rocketchat.clock import Clock
from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.ids import IdGenerator
from sandbox.rocketchat.state import messages, rooms, seed, uploads, videoconf
from sandbox.rocketchat.state.clients import (
    ClientKind,
    PostResult,
    click,
    find_button,
    type_and_send,
)
from sandbox.rocketchat.state.models import Room, User
from sandbox.rocketchat.state.store import Store


class SandboxState:
    """Users, rooms and messages of the simulated Rocket.Chat, driven as its users would."""

    def __init__(self, clock: Clock | None = None, ids: IdGenerator | None = None) -> None:
        self.store = Store(clock=clock or Clock(), ids=ids or IdGenerator())

    # setup

    def create_user(
        self, username: str, *, name: str | None = None, roles: list[str] | None = None,
        password: str | None = None, user_id: str | None = None,
    ) -> User:
        if self.store.find_user(username) is not None:
            raise MeteorError("error-field-unavailable", f"{username} is already in use :(")
        role_list = roles or ["user"]
        user = User(id=user_id or self.store.ids.meteor_id(), username=username,
                    name=name or username, roles=role_list,
                    password=password or seed.password_for(username),
                    created_at=self.store.now(), type="bot" if "bot" in role_list else "user")
        self.store.users[user.id] = user
        return user

    def create_personal_access_token(self, username: str, token: str | None = None) -> str:
        """PATs are stored as login tokens, so they work for REST auth and DDP resume."""
        return self.store.issue_token(self.store.user(username), token)

    def create_room(
        self, name: str, kind: str = "c", members: list[str] | None = None, *,
        owner: str | None = None, room_id: str | None = None, read_only: bool = False,
    ) -> Room:
        users = [self.store.user(member) for member in members or []]
        if kind == "d":
            return rooms.direct_room(self.store, users)
        creator = self.store.user(owner) if owner else None
        room = rooms.create_room(self.store, name, kind, creator, users, room_id=room_id)
        room.read_only = read_only  # an announcement room: only post-readonly holders write
        return room

    def update_settings(self, values: dict[str, Any]) -> dict[str, Any]:
        self.store.settings.update(values)
        return dict(self.store.settings)

    def seed(self) -> None:
        for username, name, roles in seed.SEED_USERS:
            self.create_user(username, name=name, roles=roles,
                             user_id=seed.stable_id(f"user:{username}"))
        self.create_personal_access_token(seed.BOT_USERNAME,
                                          seed.stable_token(seed.BOT_USERNAME))
        for name, kind, owner, members, room_id in seed.SEED_ROOMS:
            room = self.create_room(name, kind, members, owner=owner,
                                    room_id=room_id or seed.stable_id(f"room:{name}"))
            room.default = name in seed.DEFAULT_ROOMS

    def register(
        self, username: str, *, name: str | None = None, roles: list[str] | None = None,
        language: str | None = None,
    ) -> User:
        """A new account, as users.create (joinDefaultChannels true by default) or a sign-up
        makes it: saveUser then addUserToDefaultChannels, which subscribes the account to
        every default room and posts `uj` there, `u` and `msg` the newcomer (Rocket.Chat 7.x
        apps/meteor/app/lib/server/functions/addUserToDefaultChannels.ts, `saveSystemMessage
        ('uj', room._id, user.username, user)`; api/server/v1/users.ts `users.create`)."""
        user = self.create_user(username, name=name, roles=roles)
        if language:
            user.language = language
        for room in self.store.rooms.values():
            if room.default and room.t in ("c", "p"):
                rooms.add_member(self.store, room, user)
        return user

    # acting as a user

    def post(
        self, username: str, room: str, text: str, *, tmid: str | None = None,
        client: ClientKind | None = None, file: dict[str, Any] | None = None,
    ) -> PostResult:
        user, target = self.store.user(username), self.store.room(room)
        if file is not None:
            content = base64.b64decode(file.get("content_base64", ""))
            upload = uploads.stage(self.store, user, target, name=file["name"],
                                   kind=file.get("type", ""), content=content)
            fields = {"msg": text, **({"tmid": tmid} if tmid else {})}
            return PostResult(True, uploads.confirm(self.store, user, target, upload.id, fields))
        return type_and_send(self.store, user, target, text, client=client,
                             fields={"tmid": tmid} if tmid else None)

    def direct_post(self, username: str, to: str, text: str) -> PostResult:
        user, peer = self.store.user(username), self.store.user(to)
        room = rooms.direct_room(self.store, [user, peer])
        return type_and_send(self.store, user, room, text, client=None)

    def edit(self, username: str, message_id: str, text: str) -> dict[str, Any]:
        return messages.edit_message(self.store, self.store.user(username), message_id, text)

    def react(self, username: str, message_id: str, emoji: str) -> dict[str, Any]:
        return messages.set_reaction(self.store, self.store.user(username), emoji, message_id)

    def delete(self, username: str, message_id: str) -> dict[str, Any]:
        return messages.delete_message(self.store, self.store.user(username), message_id)

    def pin(self, username: str, message_id: str) -> dict[str, Any]:
        return messages.pin_message(self.store, self.store.user(username), message_id)

    def kick(self, username: str, room: str, member: str) -> None:
        """channels.kick / groups.kick: `username` removes `member` from `room`."""
        store = self.store
        rooms.remove_member(store, store.room(room), store.user(member), store.user(username))

    def click(
        self, username: str, message_id: str, button: str | int, client: ClientKind = "web"
    ) -> PostResult:
        message = self.store.message(message_id)
        action = find_button(message, button)
        if action is None:
            raise MeteorError("error-button-not-found", f"No button {button!r} on that message")
        return click(self.store, self.store.user(username), message, action, client)

    def call(self, username: str, room: str) -> dict[str, Any]:
        """The phone button: video-conference.start, then the caller joins."""
        user, target = self.store.user(username), self.store.room(room)
        call = videoconf.start(self.store, user, target)
        videoconf.join(self.store, user, call.id)
        return {"call_id": call.id, "message_id": call.message_id, "url": call.url}

    # reading

    def messages(self, room: str, since: datetime | None = None) -> list[dict[str, Any]]:
        target = self.store.room(room)
        return [message for message in self.store.room_messages(target.id)
                if since is None or message["_updatedAt"] > since]

    def dms(self, username: str) -> list[dict[str, Any]]:
        """Messages others sent to `username` in direct rooms."""
        user = self.store.user(username)
        found = [message for room in self.store.user_rooms(user.id) if room.t == "d"
                 for message in self.store.room_messages(room.id)
                 if message["u"]["_id"] != user.id]
        return sorted(found, key=lambda message: message["ts"])

    def user_id(self, username: str) -> str:
        return self.store.user(username).id

    def room_id(self, room: str) -> str:
        return self.store.room(room).id
