"""DDP methods the bot or rocketchat-async call (Rocket.Chat 7.x
apps/meteor/app/lib/server/methods/sendMessage.ts and
apps/meteor/server/methods/loadMissedMessages.ts; rocketchat-async 4.3.0 methods.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sandbox.rocketchat.ejson import from_ejson
from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.state import messages
from sandbox.rocketchat.state.events import NotifyRoom, NotifyUser
from sandbox.rocketchat.state.models import User
from sandbox.rocketchat.state.store import Store

LOGIN_EXPIRATION = timedelta(days=90)  # Accounts loginExpirationInDays default
NO_RESULT = object()
LOGGED_OUT = "You've been logged out by the server. Please log in again."


@dataclass
class Call:
    store: Store
    user: User | None
    params: list[Any]
    login: Callable[[User, str], None]

    def require_user(self, method: str) -> User:
        if self.user is None:
            raise MeteorError("error-invalid-user", "Invalid user", {"method": method})
        return self.user


def _login(call: Call) -> Any:
    request = call.params[0] if call.params and isinstance(call.params[0], dict) else {}
    store = call.store
    if "resume" in request:
        user = store.user_for_token(str(request["resume"]))
        if user is None:
            raise MeteorError(403, LOGGED_OUT)
        token, kind = str(request["resume"]), "resume"
    elif "password" in request and "user" in request:
        selector = request["user"] if isinstance(request["user"], dict) else {}
        user = store.find_user(str(selector.get("username") or selector.get("id") or ""))
        if user is None or user.username != selector.get("username", user.username):
            raise MeteorError(403, "User not found")
        if not _password_matches(user, request["password"]):
            raise MeteorError(403, "Incorrect password")
        token, kind = store.issue_token(user), "password"
    else:
        raise MeteorError(400, "Unrecognized options for login request")
    call.login(user, token)
    expires = store.now() + LOGIN_EXPIRATION
    return {"id": user.id, "token": token, "tokenExpires": expires, "type": kind}


def _password_matches(user: User, password: Any) -> bool:
    if isinstance(password, str):
        return password == user.password
    if isinstance(password, dict) and password.get("algorithm") == "sha-256":
        return password.get("digest") == hashlib.sha256(user.password.encode()).hexdigest()
    return False


def _rooms_get(call: Call) -> Any:
    if call.user is None:
        return []
    rooms = [room.to_wire() for room in call.store.user_rooms(call.user.id)]
    since = from_ejson(call.params[0]) if call.params and call.params[0] else None
    if isinstance(since, datetime):
        return {"update": [room for room in rooms if room["_updatedAt"] > since], "remove": []}
    return rooms


def _subscriptions_get(call: Call) -> Any:
    if call.user is None:
        return []
    uid = call.user.id
    subs = [sub.to_wire() for (_, owner), sub in call.store.subscriptions.items() if owner == uid]
    since = from_ejson(call.params[0]) if call.params and call.params[0] else None
    if isinstance(since, datetime):
        return {"update": [sub for sub in subs if sub["_updatedAt"] > since], "remove": []}
    return subs


def _send_message(call: Call) -> Any:
    """Errors other than error-not-allowed become an ephemeral `<uid>/message` (Rocket.Chat
    7.x apps/meteor/app/lib/server/methods/sendMessage.ts)."""
    user = call.require_user("sendMessage")
    fields = from_ejson(call.params[0]) if call.params else {}
    if fields.get("t"):
        raise MeteorError(500, "Internal server error")
    try:
        room = call.store.room(str(fields.get("rid", "")))
        sent = messages.send_message(call.store, user, room, fields)
    except Exception as error:
        code = getattr(error, "error", None) or str(error)
        if code == "error-not-allowed":
            raise MeteorError("error-not-allowed", getattr(error, "reason", None),
                              {"method": "sendMessage"}) from error
        ephemeral = {"groupable": False, "msg": getattr(error, "reason", None) or str(code),
                     "_id": str(int(call.store.now().timestamp() * 1000)),
                     "rid": fields.get("rid"), "ts": call.store.now()}
        call.store.bus.emit(NotifyUser(user.id, "message", [ephemeral]))
        return NO_RESULT
    return sent if sent is not None else NO_RESULT


def _update_message(call: Call) -> Any:
    user = call.require_user("updateMessage")
    fields = call.params[0] if call.params else {}
    messages.edit_message(call.store, user, str(fields.get("_id")), str(fields.get("msg", "")))
    return NO_RESULT


def _delete_message(call: Call) -> Any:
    user = call.require_user("deleteMessage")
    target = call.params[0] if call.params else {}
    messages.delete_message(call.store, user, str(target.get("_id")))
    return NO_RESULT


def _set_reaction(call: Call) -> Any:
    user = call.require_user("setReaction")
    emoji, mid = str(call.params[0]), str(call.params[1])
    should = call.params[2] if len(call.params) > 2 else None
    messages.set_reaction(call.store, user, emoji, mid, should)
    return NO_RESULT


def _notify_room(call: Call) -> Any:
    """Typing indicator: `["<rid>/user-activity", username, ["user-typing"], {tmid?}]`."""
    call.require_user("stream-notify-room")
    event_name = str(call.params[0]) if call.params else ""
    rid, _, event = event_name.partition("/")
    if event not in ("user-activity", "typing") or rid not in call.store.rooms:
        raise MeteorError("not-allowed")
    call.store.bus.emit(NotifyRoom(rid, event, list(call.params[1:])))
    return NO_RESULT


def _visible(call: Call, method: str) -> tuple[User, str] | None:
    user = call.require_user(method)
    rid = str(call.params[0]) if call.params else ""
    room = call.store.rooms.get(rid)
    if room is None or not call.store.can_access(room, user):
        return None
    return user, rid


def _load_missed(call: Call) -> Any:
    """Messages with ts > start, newest first; `false` without access."""
    found = _visible(call, "loadMissedMessages")
    if found is None:
        return False
    start = from_ejson(call.params[1]) if len(call.params) > 1 else None
    history = [m for m in call.store.room_messages(found[1])
               if isinstance(start, datetime) and m["ts"] > start]
    return list(reversed(history))


def _load_history(call: Call) -> Any:
    found = _visible(call, "loadHistory")
    if found is None:
        return False
    end = from_ejson(call.params[1]) if len(call.params) > 1 else None
    limit = int(call.params[2]) if len(call.params) > 2 and call.params[2] else 20
    history = [m for m in call.store.room_messages(found[1])
               if not isinstance(end, datetime) or m["ts"] < end]
    return {"messages": list(reversed(history))[:limit], "unreadNotLoaded": 0}


def _logout(call: Call) -> Any:
    return NO_RESULT


def _slash_command(call: Call) -> Any:
    call.require_user("slashCommand")
    raise MeteorError("error-invalid-command", "Invalid Command Provided",
                      {"method": "executeSlashCommandPreview"})


METHODS: dict[str, Callable[[Call], Any]] = {
    "login": _login,
    "logout": _logout,
    "rooms/get": _rooms_get,
    "subscriptions/get": _subscriptions_get,
    "sendMessage": _send_message,
    "updateMessage": _update_message,
    "deleteMessage": _delete_message,
    "setReaction": _set_reaction,
    "stream-notify-room": _notify_room,
    "loadMissedMessages": _load_missed,
    "loadHistory": _load_history,
    "slashCommand": _slash_command,
}
