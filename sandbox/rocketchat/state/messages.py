"""Message life cycle: send, edit, delete, react, pin, thread replies, system messages.

Follows apps/meteor/app/lib/server/functions/sendMessage.ts@026bdc0 and
methods/sendMessage.ts@c35b3b5; the events emitted mirror notifyOnMessageChange and
notifyOnRoomChangedById (apps/meteor/app/lib/server/lib/notifyListener.ts).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlsplit

from sandbox.rocketchat.errors import MeteorError, ServerError
from sandbox.rocketchat.state import text as parse
from sandbox.rocketchat.state.attachments import AttachmentError, validate_attachments
from sandbox.rocketchat.state.events import (
    MessageChanged,
    NotifyRoom,
    RoomChanged,
    SubscriptionChanged,
)
from sandbox.rocketchat.state.models import Room, User
from sandbox.rocketchat.state.store import DeletedMessage, Store

EMOJI = re.compile(r"^:?[a-z0-9_+\-]+:?$")
OPTIONAL_FIELDS = ("alias", "emoji", "avatar", "attachments", "blocks", "customFields",
                   "groupable", "parseUrls", "bot", "file", "files", "t", "tshow")


def _mentions(store: Store, text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for username in parse.mentioned_usernames(text):
        if username in ("all", "here"):
            found.append({"_id": username, "username": username, "type": "user"})
        elif (user := store.find_user(username)) is not None and user.username == username:
            found.append({"_id": user.id, "username": user.username, "name": user.name,
                          "type": "user"})
    return found


def _channels(store: Store, text: str) -> list[dict[str, Any]]:
    rooms = (store.find_room(name) for name in parse.mentioned_channels(text))
    return [{"_id": room.id, "name": room.name} for room in rooms if room and room.t != "d"]


def apply_text(store: Store, message: dict[str, Any], text: str) -> None:
    message["msg"] = text
    message["urls"] = parse.urls(text)
    message["mentions"] = _mentions(store, text)
    message["channels"] = _channels(store, text)
    message["md"] = parse.markdown_ast(text)


def check_can_send(store: Store, user: User, room: Room) -> None:
    """canSendMessageAsync: room access is enough, no subscription needed (so a public
    channel takes messages from non-members holding view-c-room); archived rooms refuse.
    RC apps/meteor/app/authorization/server/functions/canSendMessage.ts."""
    if not store.can_access(room, user):
        raise ServerError("error-not-allowed")
    if room.archived:
        raise MeteorError("error-room-archived", "This room is archived")
    # validateRoomMessagePermissionsAsync: a read-only room takes messages only from holders
    # of post-readonly (admin, owner, moderator by default; not the bot role).
    if room.read_only and not store.has_permission(user, "post-readonly", room.id):
        raise ServerError("You can't send messages because the room is readonly.")


def validate(store: Store, user: User, room: Room, fields: dict[str, Any]) -> None:
    if (fields.get("alias") or fields.get("avatar")) and not store.has_permission(
        user, "message-impersonate", room.id
    ):
        raise ServerError("Not enough permission")
    if fields.get("attachments"):
        try:
            validate_attachments(fields["attachments"])
        except AttachmentError as error:
            raise ServerError(str(error)) from error
    text = fields.get("msg") or ""
    if len(text) > store.settings["Message_MaxAllowedSize"]:
        raise MeteorError("error-message-size-exceeded",
                          "Message size exceeds Message_MaxAllowedSize",
                          {"method": "sendMessage"})
    if fields.get("tshow") and not fields.get("tmid"):
        raise MeteorError("invalid-params", "tshow provided but missing tmid",
                          {"method": "sendMessage"})


def send_message(
    store: Store, user: User, room: Room, fields: dict[str, Any], *, check_access: bool = True
) -> dict[str, Any] | None:
    """Insert a message; None when the client-supplied `_id` already exists (idempotent)."""
    if check_access:  # server-generated system messages skip the client-input checks
        check_can_send(store, user, room)
        validate(store, user, room, fields)
    mid = fields.get("_id") or store.ids.meteor_id()
    if mid in store.messages:
        return None
    now = store.now()
    message: dict[str, Any] = {"_id": mid, "rid": room.id, "ts": fields.get("ts") or now,
                               "u": user.ref()}
    apply_text(store, message, fields.get("msg") or "")
    message["_updatedAt"] = now
    message.update({key: fields[key] for key in OPTIONAL_FIELDS if fields.get(key) is not None})
    if store.settings["Message_Read_Receipt_Enabled"]:
        message["unread"] = True
    tmid = fields.get("tmid")
    if tmid:
        parent = store.messages.get(tmid)
        message["tmid"] = parent.get("tmid") or tmid if parent else tmid
    store.messages[mid] = message
    _after_save(store, user, room, message)
    return message


PREVIEW_DELAY_SECONDS = 0.05


def _schedule_previews(store: Store, message_id: str) -> None:
    """URL previews are filled in after the save and the message is sent again, same `_id`
    (RC app/oembed/server/server.ts rocketUrlParser → Messages.setUrlsById, then
    notifyOnMessageChange). The sandbox fetches nothing: every link gets its parsed form."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return  # the state used without a server: nobody would see the second emission
    loop.call_later(PREVIEW_DELAY_SECONDS, _fill_previews, store, message_id)


def _fill_previews(store: Store, message_id: str) -> None:
    message = store.messages.get(message_id)
    if message is None or not message.get("urls"):
        return  # deleted, or edited to no link, meanwhile
    for entry in message["urls"]:
        parts = urlsplit(entry["url"])
        entry["meta"] = {}
        entry["parsedUrl"] = {
            "host": parts.netloc, "hash": f"#{parts.fragment}" if parts.fragment else None,
            "pathname": parts.path or "/", "protocol": f"{parts.scheme}:",
            "port": str(parts.port) if parts.port else None,
            "query": parts.query or None, "search": f"?{parts.query}" if parts.query else None,
            "hostname": parts.hostname,
        }
    message["_updatedAt"] = store.now()
    store.bus.emit(MessageChanged(message))


def _after_save(store: Store, user: User, room: Room, message: dict[str, Any]) -> None:
    if "tmid" in message and (parent := store.messages.get(message["tmid"])) is not None:
        _add_thread_reply(store, parent, message)
    if message.get("urls") and store.settings["API_Embed"]:
        _schedule_previews(store, message["_id"])
    room.msgs += 1
    room.last_message = message
    room.updated_at = message["ts"]
    for uid in room.members:
        subscription = store.subscription(room.id, uid)
        if subscription is None or uid == user.id:
            continue
        subscription.unread += 1
        subscription.alert = True
        subscription.updated_at = message["ts"]
        store.bus.emit(SubscriptionChanged("updated", uid, subscription.to_wire()))
    store.bus.emit(MessageChanged(message))
    store.bus.emit(RoomChanged("updated", room.to_wire(), tuple(room.members)))


def _add_thread_reply(store: Store, parent: dict[str, Any], reply: dict[str, Any]) -> None:
    """threads.ts `reply`: the parent gets tcount/tlm/replies and is re-emitted."""
    parent["tcount"] = parent.get("tcount", 0) + 1
    parent["tlm"] = reply["ts"]
    replies = parent.setdefault("replies", [])
    for uid in (parent["u"]["_id"], reply["u"]["_id"]):
        if uid not in replies:
            replies.append(uid)
    parent["_updatedAt"] = reply["ts"]
    store.bus.emit(MessageChanged(parent))


def system_message(
    store: Store, room: Room, user: User, kind: str, text: str = "", **extra: Any
) -> dict[str, Any]:
    fields: dict[str, Any] = {"t": kind, "msg": text, "groupable": False, **extra}
    message = send_message(store, user, room, fields, check_access=False)
    assert message is not None  # fresh ids never collide
    return message


def edit_message(store: Store, user: User, mid: str, text: str) -> dict[str, Any]:
    message = store.message(mid)
    own = message["u"]["_id"] == user.id
    if not own and not store.has_permission(user, "edit-message", message["rid"]):
        raise MeteorError("error-action-not-allowed", "Message editing not allowed",
                          {"method": "updateMessage", "action": "Message_editing"})
    now = store.now()
    apply_text(store, message, text)
    message["editedAt"] = now
    message["editedBy"] = {"_id": user.id, "username": user.username}
    message["_updatedAt"] = now
    store.bus.emit(MessageChanged(message))
    return message


def delete_message(store: Store, user: User, mid: str) -> dict[str, Any]:
    """deleteMessage.ts@033106a: removed + notify-room deleteMessage, or `rm` placeholder."""
    message = store.message(mid)
    own = message["u"]["_id"] == user.id
    allowed = store.has_permission(user, "delete-message", message["rid"]) or (
        own and store.has_permission(user, "delete-own-message", message["rid"])
    )
    if not allowed:
        raise MeteorError("error-action-not-allowed", "Not allowed",
                          {"method": "deleteMessage", "action": "Delete_message"})
    now = store.now()
    keep_placeholder = store.settings["Message_ShowDeletedStatus"] or message.get("tcount")
    if keep_placeholder:
        apply_text(store, message, "")
        message.update({"t": "rm", "editedAt": now, "_updatedAt": now,
                        "editedBy": {"_id": user.id, "username": user.username}})
        message.pop("attachments", None)
        store.bus.emit(MessageChanged(message))
    else:
        del store.messages[mid]
        store.deleted.append(DeletedMessage(mid, message["rid"], now))
        store.bus.emit(NotifyRoom(message["rid"], "deleteMessage", [{"_id": mid}]))
    return message


def set_reaction(
    store: Store, user: User, emoji: str, mid: str, should_react: bool | None = None
) -> dict[str, Any]:
    if not EMOJI.match(emoji):
        raise MeteorError("error-not-allowed", "Invalid emoji provided.",
                          {"method": "setReaction"})
    message = store.message(mid)
    key = f":{emoji.strip(':')}:"
    reactions: dict[str, Any] = message.setdefault("reactions", {})
    usernames: list[str] = reactions.setdefault(key, {"usernames": []})["usernames"]
    present = user.username in usernames
    react = (not present) if should_react is None else should_react
    if react and not present:
        usernames.append(user.username)
    elif not react and present:
        usernames.remove(user.username)
    if not usernames:
        del reactions[key]
    if not reactions:
        del message["reactions"]
    message["_updatedAt"] = store.now()
    store.bus.emit(MessageChanged(message))
    return message


def pin_message(store: Store, user: User, mid: str) -> dict[str, Any]:
    message = store.message(mid)
    if not store.has_permission(user, "pin-message", message["rid"]):
        raise MeteorError("not-authorized", "Not Authorized", {"method": "pinMessage"})
    now = store.now()
    message.update({"pinned": True, "pinnedAt": now, "_updatedAt": now,
                    "pinnedBy": {"_id": user.id, "username": user.username}})
    store.bus.emit(MessageChanged(message))
    room = store.rooms[message["rid"]]
    quote = {"text": message["msg"], "author_name": message["u"]["username"],
             "author_icon": f"/avatar/{message['u']['username']}", "ts": message["ts"]}
    return system_message(store, room, user, "message_pinned", "", attachments=[quote])
