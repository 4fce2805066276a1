"""Decides whether a chat message is meant for the bot and splits off the command word."""

from __future__ import annotations

from bot.models import ChatEvent, RoomType

COMMAND_PREFIXES = ("/", "!")


def command_line(event: ChatEvent, bot_username: str) -> str | None:
    """The command text without its prefix, or None when the message is not for the bot."""
    text = event.text.strip()
    if not text or event.user.username == bot_username:
        return None
    mention = f"@{bot_username}"
    if text.lower().startswith(mention.lower()):
        text = text[len(mention) :].lstrip(" :,")
        return text or None
    if has_prefix(text):
        return text[1:]
    if event.room.type is RoomType.DIRECT:
        return text
    return None


def has_prefix(text: str) -> bool:
    """Typed as a command ("/reunion", "!aide"), not as a sentence that may hold one."""
    text = text.strip()
    return text.startswith(COMMAND_PREFIXES) and len(text) > 1 and not text[1].isspace()
