"""What the web and mobile clients do before anything reaches the server.

These are client behaviours, not server logic: the web client swallows unknown `/commands`
unless Message_AllowUnrecognizedSlashCommand is on (client/lib/chats/flows/sendMessage.ts,
processSlashCommand.ts); the mobile app posts them whatever the setting (MessageBox submit()).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from sandbox.rocketchat.state.messages import send_message
from sandbox.rocketchat.state.models import Room, User
from sandbox.rocketchat.state.store import Store

ClientKind = Literal["web", "mobile"]
SLASH = re.compile(r"^/([^\s]+)(.*)", re.MULTILINE)
# Core commands registered by a stock server (apps/meteor/app/slashcommands-*); a typed
# command among these runs server-side and is never posted as a plain message.
CORE_COMMANDS = frozenset({
    "archive", "create", "gimme", "help", "hide", "invite", "invite-all-from",
    "invite-all-to", "join", "kick", "lennyface", "leave", "part", "me", "msg", "mute",
    "shrug", "status", "tableflip", "topic", "unarchive", "unflip", "unmute",
})


@dataclass
class PostResult:
    sent: bool
    message: dict[str, Any] | None = None
    reason: str | None = None
    ephemeral: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"sent": self.sent, "message_id": self.message["_id"] if self.message else None,
                "reason": self.reason, "ephemeral": self.ephemeral}


def _command(text: str) -> str | None:
    match = SLASH.match(text)
    return match.group(1) if match else None


def client_refusal(store: Store, text: str, client: ClientKind) -> PostResult | None:
    """Why the client would not call sendMessage for this text, or None if it would."""
    command = _command(text)
    if command is None:
        return None
    if client == "mobile":
        if any(name.startswith(command) for name in CORE_COMMANDS):
            return PostResult(False, reason="slash-command-executed")
        return None
    if command in CORE_COMMANDS:
        return PostResult(False, reason="slash-command-executed")
    if store.settings["Message_AllowUnrecognizedSlashCommand"]:
        return None
    # i18n key No_such_command (exact English wording unverified)
    notice = f"No such command: `/{command}`"
    store.ephemerals.append({"from": "rocket.cat", "msg": notice})
    return PostResult(False, reason="no-such-command", ephemeral=notice)


def type_and_send(
    store: Store, user: User, room: Room, text: str, *, client: ClientKind | None,
    fields: dict[str, Any] | None = None,
) -> PostResult:
    """A user typing `text` in `client` (None = a raw sendMessage, no client rules)."""
    if client is not None and (refusal := client_refusal(store, text, client)) is not None:
        return refusal
    message = send_message(store, user, room, {"msg": text, **(fields or {})})
    return PostResult(message is not None, message)


def find_button(message: dict[str, Any], button: str | int) -> dict[str, Any] | None:
    actions = [action for attachment in message.get("attachments") or []
               for action in attachment.get("actions") or [] if action.get("type") == "button"]
    if isinstance(button, int) or (isinstance(button, str) and button.isdigit()):
        index = int(button)
        return actions[index] if 0 <= index < len(actions) else None
    return next((action for action in actions if action.get("text") == button), None)


def click(
    store: Store, user: User, message: dict[str, Any], action: dict[str, Any],
    client: ClientKind = "web",
) -> PostResult:
    """ActionAttachtment.tsx: url buttons open a link; msg_in_chat_window ones send `msg`."""
    if action.get("url"):
        return PostResult(False, reason=f"opened-url:{action['url']}")
    if not action.get("msg_in_chat_window") or not action.get("msg"):
        return PostResult(False, reason="button-not-actionable")
    processing = action.get("msg_processing_type") or "sendMessage"
    if processing != "sendMessage":
        return PostResult(False, reason=f"composer:{processing}")
    room = store.rooms[message["rid"]]
    fields = {"tmid": message["tmid"]} if message.get("tmid") else {}
    return type_and_send(store, user, room, action["msg"], client=client, fields=fields)
