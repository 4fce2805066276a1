"""The simulated database: users, tokens, rooms, subscriptions, messages, uploads, calls."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.rocketchat.clock import Clock
from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.ids import IdGenerator
from sandbox.rocketchat.state.events import EventBus
from sandbox.rocketchat.state.models import Room, Subscription, Upload, User, VideoConference
from sandbox.rocketchat.state.permissions import role_grants

DEFAULT_SETTINGS: dict[str, Any] = {
    "Message_AllowUnrecognizedSlashCommand": False,
    "Message_Read_Receipt_Enabled": False,
    "Message_ShowDeletedStatus": False,
    "Message_KeepHistory": False,
    "Message_MaxAllowedSize": 5000,
    # apps/meteor/server/settings/file-upload.ts: 100 MiB by default, -1 for no limit.
    "FileUpload_MaxFileSize": 104857600,
    "API_Embed": True,  # URL previews (Admin > Message > "Embed Link Previews")
    "Threads_enabled": True,
    "API_Enable_Rate_Limiter": True,
    "API_Enable_Rate_Limiter_Limit_Calls_Default": 10,
    "API_Enable_Rate_Limiter_Limit_Time_Default": 60000,
    "VideoConf_Default_Provider": "jitsi",
    # server/settings/accounts.ts: people (the bot's account too) may change their own real
    # name (users.updateOwnBasicInfo) and avatar (users.setAvatar) unless these are off.
    "Accounts_AllowRealNameChange": True,
    "Accounts_AllowUserAvatarChange": True,
    "Site_Url": "http://127.0.0.1",
    "UTF8_Channel_Names_Validation": "[0-9a-zA-Z-_.]+",
    # server/settings/message.ts: thumbnails for images larger than 480×360
    "Message_Attachments_Thumbnails_Enabled": True,
    "Message_Attachments_Thumbnails_Width": 480,
    "Message_Attachments_Thumbnails_Height": 360,
}


@dataclass
class DeletedMessage:
    id: str
    rid: str
    deleted_at: datetime


@dataclass
class Store:
    clock: Clock
    ids: IdGenerator
    bus: EventBus = field(default_factory=EventBus)
    settings: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_SETTINGS))
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    subscriptions: dict[tuple[str, str], Subscription] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: list[DeletedMessage] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    calls: dict[str, VideoConference] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    # Admin > Permissions edits: extra permissions granted to a role
    granted: dict[str, set[str]] = field(default_factory=dict)

    # users and tokens

    def user(self, key: str) -> User:
        """A user by id or username; `MeteorError('error-invalid-user')` when unknown."""
        found = self.find_user(key)
        if found is None:
            raise MeteorError("error-invalid-user", "Invalid user")
        return found

    def find_user(self, key: str) -> User | None:
        key = key.removeprefix("@")
        if key in self.users:
            return self.users[key]
        return next((user for user in self.users.values() if user.username == key), None)

    def issue_token(self, user: User, token: str | None = None) -> str:
        value = token or self.ids.token()
        self.tokens[hash_token(value)] = user.id
        user.tokens.add(value)
        return value

    def user_for_token(self, token: str) -> User | None:
        uid = self.tokens.get(hash_token(token))
        return self.users.get(uid) if uid else None

    def revoke_token(self, token: str) -> None:
        self.tokens.pop(hash_token(token), None)

    def has_permission(self, user: User, permission: str, rid: str | None = None) -> bool:
        roles = list(user.roles)
        room = self.rooms.get(rid) if rid else None
        if room is not None and user.id in room.owners:
            roles.append("owner")
        if room is not None and user.id in room.moderators:
            roles.append("moderator")
        return any(
            role_grants(role, permission) or permission in self.granted.get(role, set())
            for role in roles
        )

    # rooms and subscriptions

    def room(self, key: str) -> Room:
        """A room by id or name (`#name` accepted)."""
        found = self.find_room(key)
        if found is None:
            raise MeteorError("error-room-not-found", "Room not found")
        return found

    def find_room(self, key: str) -> Room | None:
        key = key.removeprefix("#")
        if key in self.rooms:
            return self.rooms[key]
        return next((room for room in self.rooms.values() if room.name == key), None)

    def subscription(self, rid: str, uid: str) -> Subscription | None:
        return self.subscriptions.get((rid, uid))

    def user_rooms(self, uid: str) -> list[Room]:
        return [room for room in self.rooms.values() if uid in room.members]

    def can_access(self, room: Room, user: User) -> bool:
        """canAccessRoom: members, or anyone with `view-c-room` for a public channel."""
        if user.id in room.members:
            return True
        return room.t == "c" and self.has_permission(user, "view-c-room")

    # messages

    def message(self, mid: str) -> dict[str, Any]:
        found = self.messages.get(mid)
        if found is None:
            raise MeteorError("error-message-not-found", "Message not found")
        return found

    def room_messages(self, rid: str) -> list[dict[str, Any]]:
        return sorted(
            (msg for msg in self.messages.values() if msg["rid"] == rid), key=lambda m: m["ts"]
        )

    def now(self) -> datetime:
        return self.clock.now()


def hash_token(token: str) -> str:
    """Accounts._hashLoginToken: base64(sha256(token)); hex is enough to keep tokens unstored."""
    return hashlib.sha256(token.encode()).hexdigest()
