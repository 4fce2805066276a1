"""Translation between Rocket.Chat's message objects and the bot's own model."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from bot.events import CallStarted, Membership
from bot.models import (
    Attachment,
    ChatEvent,
    FileRef,
    Message,
    Room,
    RoomRole,
    RoomType,
    User,
)

ROOM_TYPES = {"c": RoomType.CHANNEL, "p": RoomType.PRIVATE, "d": RoomType.DIRECT}
# Rocket.Chat's room-scoped roles (apps/meteor/server/startup/initialData.js and the
# `roles` collection, scope "Subscriptions", Rocket.Chat 6.x); "leader" grants nothing here.
ROOM_ROLES = {"owner": RoomRole.OWNER, "moderator": RoomRole.MODERATOR}
# Meteor's id alphabet; a fixed mapping of a hash keeps ids valid and deterministic.
_ID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"
ID_LENGTH = 17
# Characters JavaScript's encodeURI leaves as they are (besides letters, digits and "-_.~").
ENCODE_URI_SAFE = ";,/?:@&=+$!*'()#"


def message_id_for(key: str) -> str:
    """The same key always gives the same Rocket.Chat message id, so a retry never duplicates."""
    digest = hashlib.sha256(key.encode()).digest()
    return "".join(_ID_ALPHABET[b % len(_ID_ALPHABET)] for b in digest[:ID_LENGTH])


def attachment_payload(attachment: Attachment, color: str | None = None) -> dict[str, Any]:
    """`color` is the administration's (branding): every attachment the bot posts wears it."""
    payload: dict[str, Any] = {}
    if attachment.title:
        payload["title"] = attachment.title
    if attachment.title_link:
        payload["title_link"] = attachment.title_link
    if attachment.text:
        payload["text"] = attachment.text
    if color or attachment.color:
        payload["color"] = color or attachment.color
    if attachment.fields:
        payload["fields"] = [
            {"title": name, "value": value, "short": len(value) < 40}
            for name, value in attachment.fields
        ]
    if attachment.buttons:
        payload["button_alignment"] = "horizontal"
        payload["actions"] = [
            {
                "type": "button",
                "text": button.label,
                "msg": button.command,
                "msg_in_chat_window": True,
                "msg_processing_type": "sendMessage",
            }
            for button in attachment.buttons
        ]
    return payload


def message_payload(
    room_id: str, message: Message, *, color: str | None = None
) -> dict[str, Any]:
    payload: dict[str, Any] = {"rid": room_id, "msg": message.text}
    if message.idempotency_key:
        payload["_id"] = message_id_for(message.idempotency_key)
    if message.thread_id:
        payload["tmid"] = message.thread_id
        if message.also_in_room:
            payload["tshow"] = True
    if message.attachments:
        payload["attachments"] = [attachment_payload(a, color) for a in message.attachments]
    return payload


def parse_timestamp(value: Any) -> datetime:
    if isinstance(value, dict) and "$date" in value:
        return datetime.fromtimestamp(int(value["$date"]) / 1000, UTC)
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return datetime.now(UTC)


def room_from_raw(raw: dict[str, Any]) -> Room:
    kind = ROOM_TYPES.get(str(raw.get("t", "c")), RoomType.CHANNEL)
    name = raw.get("name") or raw.get("fname") or ",".join(raw.get("usernames", []))
    return Room(id=str(raw["_id"]), name=str(name), type=kind)


def room_roles_of(names: Any) -> frozenset[RoomRole]:
    """The core's room roles among Rocket.Chat's role names; the others are dropped."""
    return frozenset(ROOM_ROLES[name] for name in names if name in ROOM_ROLES)


def user_from_raw(raw: dict[str, Any]) -> User:
    """`type` is "bot" for bot accounts and readable by anyone; `createdAt` and `roles` only
    with view-full-other-user-info (Rocket.Chat 7.x apps/meteor/app/lib/server/functions/
    getFullUserData.ts `defaultFields` / `fullFields`); `language` never for another account,
    only in one's own data (`me`)."""
    roles = frozenset(raw.get("roles") or ())
    created = raw.get("createdAt")
    return User(
        id=str(raw["_id"]),
        username=str(raw.get("username", "")),
        display_name=str(raw.get("name") or ""),
        roles=roles,
        is_bot=raw.get("type") == "bot" or "bot" in roles,
        created_at=parse_timestamp(created) if created else None,
        language=str(raw.get("language") or ""),
    )


def _files(raw: dict[str, Any]) -> tuple[FileRef, ...]:
    listed = raw.get("files") or ([raw["file"]] if raw.get("file") else [])
    return tuple(
        FileRef(
            id=str(f["_id"]),
            name=str(f.get("name", "")),
            mime_type=str(f.get("type", "application/octet-stream")),
            size=int(f.get("size", 0) or 0),
            url=_file_url(f, raw.get("attachments") or []),
        )
        for f in listed
        if not _is_thumbnail(f, listed)
    )


def _is_thumbnail(file: dict[str, Any], listed: list[dict[str, Any]]) -> bool:
    """An image upload also lists its thumbnail (RC file-upload/server/methods/
    sendFileMessage.ts): `typeGroup: "thumb"` on recent servers; before that (6.x, early 7.x)
    only its name tells, `thumb-<name of the first file>`. Nobody posted it."""
    if file.get("typeGroup") == "thumb":
        return True
    first = listed[0] if listed else {}
    return file is not first and file.get("name") == f"thumb-{first.get('name')}"


def _file_url(file: dict[str, Any], attachments: list[dict[str, Any]]) -> str:
    """The attachment's link (matched by `fileId`, or by title before 6.x), else the path
    Rocket.Chat builds: `/file-upload/<id>/<encodeURI(name)>`."""
    for attachment in attachments:
        named = attachment.get("title") == file.get("name")
        same = attachment.get("fileId") == file["_id"] or named
        if same and attachment.get("title_link"):
            return str(attachment["title_link"])
    return f"/file-upload/{file['_id']}/{quote(str(file.get('name', '')), safe=ENCODE_URI_SAFE)}"


def call_id_of(raw: dict[str, Any]) -> str | None:
    for block in raw.get("blocks") or []:
        if block.get("type") == "video_conf" and block.get("callId"):
            return str(block["callId"])
    return None


def event_from_raw(raw: dict[str, Any], room: Room) -> ChatEvent:
    call_id = call_id_of(raw) if raw.get("t") == "videoconf" else None
    fields: dict[str, Any] = {
        "message_id": str(raw["_id"]),
        "user": user_from_raw(raw["u"]),
        "room": room,
        "text": str(raw.get("msg") or ""),
        "timestamp": parse_timestamp(raw.get("ts")),
        "thread_id": raw.get("tmid"),
        "files": _files(raw),
    }
    if call_id:
        return CallStarted(**fields, call_id=call_id)
    return ChatEvent(**fields)


def is_actionable(raw: dict[str, Any], bot_user_id: str) -> bool:
    """Own messages, edits and system messages (except calls) are never commands."""
    if raw.get("u", {}).get("_id") == bot_user_id:
        return False
    if raw.get("editedAt"):
        return False
    kind = raw.get("t")
    return kind is None or kind == "videoconf"


# System messages telling a membership change; their `msg` is the member's username and `u`
# who did it (Rocket.Chat 7.x apps/meteor/app/lib/server/functions/addUserToRoom.ts: `au` by
# an inviter, `uj` joined; removeUserFromRoom.ts: `ru` by a remover, `ul` left).
MEMBERSHIP_TYPES = {
    "au": Membership.ADDED,
    "uj": Membership.ADDED,
    "ru": Membership.REMOVED,
    "ul": Membership.REMOVED,
}


def membership_of(raw: dict[str, Any]) -> tuple[Membership, str] | None:
    change = MEMBERSHIP_TYPES.get(str(raw.get("t")))
    member = str(raw.get("msg") or "")
    return (change, member) if change is not None and member else None


def reactions_of(raw: dict[str, Any]) -> frozenset[tuple[str, str]]:
    """(emoji, username) pairs: a reaction re-emits the whole message with its `reactions`
    map, emoji to usernames, not who just reacted (Rocket.Chat 7.x
    apps/meteor/app/reactions/server/setReaction.ts; core-typings IMessage `reactions`)."""
    found = raw.get("reactions") or {}
    return frozenset(
        (str(emoji), str(username))
        for emoji, entry in found.items()
        for username in (entry or {}).get("usernames") or ()
    )


def pin_of(raw: dict[str, Any]) -> tuple[User, datetime | None] | None:
    """Who pinned the message and when: a pin re-emits it with `pinned`, `pinnedAt` and
    `pinnedBy` set (Rocket.Chat 7.x apps/meteor/app/message-pin/server/pinMessage.ts; the
    `message_pinned` system message it also posts quotes the text, not the id)."""
    if raw.get("pinned") is not True or not raw.get("pinnedBy"):
        return None
    by = raw["pinnedBy"]
    user = User(id=str(by.get("_id", "")), username=str(by.get("username", "")))
    at = raw.get("pinnedAt")
    return user, parse_timestamp(at) if at else None


def updated_at(raw: dict[str, Any]) -> datetime:
    """When the message last changed (a reaction, a pin), else when it was posted."""
    return parse_timestamp(raw.get("_updatedAt") or raw.get("ts"))
