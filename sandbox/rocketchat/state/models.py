"""Server-side records (users, rooms, uploads, calls) and their wire projections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

# What JavaScript's encodeURI leaves as is, besides letters, digits and "-_.~"
ENCODE_URI_SAFE = ";,/?:@&=+$!*'()#"


@dataclass
class User:
    id: str
    username: str
    name: str
    roles: list[str]
    password: str
    created_at: datetime
    type: str = "user"
    active: bool = True
    status: str = "online"
    utc_offset: int = 1
    language: str = "fr"
    tokens: set[str] = field(default_factory=set)
    # users.setAvatar: the image as uploaded and the random ETag each change gets.
    avatar: bytes | None = None
    avatar_type: str = ""
    avatar_etag: str | None = None

    def ref(self) -> dict[str, Any]:
        """The `{_id, username, name}` stamp put on messages (`message.u`)."""
        return {"_id": self.id, "username": self.username, "name": self.name}

    def public(self) -> dict[str, Any]:
        """Fields any user may read about another one (getFullUserData without full info)."""
        return {
            "_id": self.id,
            "username": self.username,
            "name": self.name,
            "status": self.status,
            "statusText": "",
            "utcOffset": self.utc_offset,
            "type": self.type,
            "active": self.active,
            "avatarETag": self.avatar_etag,
        }

    def full(self) -> dict[str, Any]:
        data = self.public()
        data.update(
            {
                "emails": [{"address": f"{self.username}@sandbox.invalid", "verified": True}],
                "roles": list(self.roles),
                "createdAt": self.created_at,
                "_updatedAt": self.created_at,
                "lastLogin": self.created_at,
            }
        )
        return data


@dataclass
class Room:
    id: str
    t: str
    name: str | None
    creator: User | None
    created_at: datetime
    members: list[str] = field(default_factory=list)
    owners: set[str] = field(default_factory=set)
    moderators: set[str] = field(default_factory=set)
    usernames: list[str] = field(default_factory=list)
    topic: str | None = None
    announcement: str | None = None
    archived: bool = False
    read_only: bool = False
    # Joined by every new account (addUserToDefaultChannels); GENERAL is the stock one.
    default: bool = False
    msgs: int = 0
    last_message: dict[str, Any] | None = None
    updated_at: datetime | None = None

    def to_wire(self) -> dict[str, Any]:
        data: dict[str, Any] = {"_id": self.id, "t": self.t, "ts": self.created_at}
        if self.t == "d":
            data.update({"usernames": list(self.usernames), "uids": list(self.members)})
        else:
            data.update({"name": self.name, "fname": self.name, "ro": self.read_only})
            data.update({"sysMes": True, "default": self.default})
            if self.creator is not None:
                data["u"] = {"_id": self.creator.id, "username": self.creator.username}
        data.update({"msgs": self.msgs, "usersCount": len(self.members)})
        data["_updatedAt"] = self.updated_at or self.created_at
        extras = {"topic": self.topic, "announcement": self.announcement}
        data.update({key: value for key, value in extras.items() if value is not None})
        if self.archived:
            data["archived"] = True
        if self.last_message is not None:
            data["lastMessage"] = self.last_message
            data["lm"] = self.last_message["ts"]
        return data


@dataclass
class Subscription:
    id: str
    room: Room
    user: User
    name: str
    fname: str
    created_at: datetime
    updated_at: datetime
    unread: int = 0
    alert: bool = False
    open: bool = True
    last_seen: datetime | None = None

    def to_wire(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "_id": self.id,
            "rid": self.room.id,
            "u": {"_id": self.user.id, "username": self.user.username, "name": self.user.name},
            "name": self.name,
            "fname": self.fname,
            "t": self.room.t,
            "ts": self.created_at,
            "ls": self.last_seen or self.created_at,
            "open": self.open,
            "alert": self.alert,
            "unread": self.unread,
            "userMentions": 0,
            "groupMentions": 0,
            "_updatedAt": self.updated_at,
        }
        if self.user.id in self.room.owners:
            data["roles"] = ["owner"]
        if self.room.archived:
            data["archived"] = True
        return data


@dataclass
class Upload:
    id: str
    rid: str
    user_id: str
    name: str
    type: str
    content: bytes
    uploaded_at: datetime
    confirmed: bool = False
    # Uploads model fillTypeGroup: the MIME type's first part; "thumb" for a thumbnail
    type_group: str = ""

    @property
    def url(self) -> str:
        return file_path(self.id, self.name)


def file_path(file_id: str, name: str) -> str:
    """FileUpload.getPath(`${_id}/${encodeURI(name)}`) (file-upload/server/lib/FileUpload.ts)."""
    return f"/file-upload/{file_id}/{quote(name, safe=ENCODE_URI_SAFE)}"


@dataclass
class VideoConference:
    id: str
    type: str
    rid: str
    created_by: User
    created_at: datetime
    title: str | None
    provider_name: str
    url: str
    status: int = 1
    message_id: str | None = None
    users: list[dict[str, Any]] = field(default_factory=list)

    def to_wire(self) -> dict[str, Any]:
        creator = self.created_by
        return {
            "_id": self.id,
            "type": self.type,
            "rid": self.rid,
            "users": list(self.users),
            "status": self.status,
            "messages": {"started": self.message_id} if self.message_id else {},
            "url": self.url,
            "createdBy": {"_id": creator.id, "username": creator.username, "name": creator.name},
            "createdAt": self.created_at,
            "providerName": self.provider_name,
            "title": self.title,
            "anonymousUsers": 0,
            "ringing": self.type == "direct",
            "_updatedAt": self.created_at,
        }
