"""Keeps outside text harmless when the bot echoes it: no mentions that ping, no Markdown tricks.

The one escaper of the bot: every piece of text the bot did not write itself (a command's
arguments, a meeting title, a card title or comment, a file name) goes through
`escape_markdown` before it is placed in one of the bot's sentences. The bot's own formatting
(bold, links, code spans) is added after escaping, so it is kept.
"""

from __future__ import annotations

import re

MAX_COMMAND_LENGTH = 2000
# A zero-width joiner after "@" keeps the word readable but no longer a mention.
DEFUSE = "\u200d"
_MASS_MENTION = re.compile(r"@(all|here|channel|everyone)\b", re.IGNORECASE)
# Rocket.Chat's message parser (packages/message-parser/src/grammar.pegjs, parser 0.32) reads
# emphasis (* _ ~), code (`), quotes (>), links ([label](url)), tables (|) and, at the start of
# a line, headings (#); parentheses too, so that no part of a link survives.
_MARKDOWN = re.compile(r"([\\`*_~\[\]()>|])")
_HEADING = re.compile(r"^#", re.MULTILINE)
# Whitespace except the no-break spaces of French typography ("Situation\u202f: …"), which
# keep a colon on its word's line wherever an echoed text is shown.
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")


def neutralise_mass_mentions(text: str) -> str:
    """@all, @here, @channel and @everyone no longer ping; other mentions are kept (the bot's
    own sentences name people on purpose)."""
    return _MASS_MENTION.sub(lambda m: "@" + DEFUSE + m.group(1), text)


def escape_markdown(text: str, *, every_mention: bool = False) -> str:
    """For outside text shown inside the bot's own formatting: Markdown characters escaped,
    mass mentions defused, and with `every_mention` (text written by someone else than the
    person who asked, such as a board comment) no mention at all that pings."""
    escaped = _HEADING.sub(r"\\#", _MARKDOWN.sub(r"\\\1", text))
    if every_mention:
        return escaped.replace("@", "@" + DEFUSE)
    return neutralise_mass_mentions(escaped)


def one_line(text: str, limit: int | None = None) -> str:
    """Whitespace runs made one space (no-break spaces kept); cut to `limit` characters with
    an ellipsis."""
    text = _SPACES.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
