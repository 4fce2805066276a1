"""What the server derives from message text: mentions, channels, urls and the `md` AST."""

from __future__ import annotations

import re
from typing import Any

MENTION = re.compile(r"(?:^|[\s(])@([0-9a-zA-Z\-_.]+)")
CHANNEL = re.compile(r"(?:^|[\s(])#([0-9a-zA-Z\-_.]+)")
URL = re.compile(r"https?://[^\s<>]+")


def mentioned_usernames(text: str) -> list[str]:
    return list(dict.fromkeys(MENTION.findall(text)))


def mentioned_channels(text: str) -> list[str]:
    return list(dict.fromkeys(CHANNEL.findall(text)))


def urls(text: str) -> list[dict[str, Any]]:
    return [{"url": url} for url in dict.fromkeys(URL.findall(text))]


def markdown_ast(text: str) -> list[dict[str, Any]]:
    """A minimal @rocket.chat/message-parser tree: one PARAGRAPH of PLAIN_TEXT per line.

    The real parser also produces BOLD, LINK, MENTION_USER … nodes; bots read `msg`, not `md`.
    """
    return [
        {"type": "PARAGRAPH", "value": [{"type": "PLAIN_TEXT", "value": line}]}
        for line in text.split("\n")
    ] if text else []
