"""Keeps user-typed text harmless when the bot echoes it: no mass mentions, no Markdown tricks."""

from __future__ import annotations

import re

MAX_COMMAND_LENGTH = 2000
# A zero-width joiner after "@" keeps the word readable but no longer a mention.
_MASS_MENTION = re.compile(r"@(all|here|channel|everyone)\b", re.IGNORECASE)
_MARKDOWN = re.compile(r"([\\`*_~\[\]()>#|])")


def neutralise_mass_mentions(text: str) -> str:
    return _MASS_MENTION.sub(lambda m: "@\u200d" + m.group(1), text)


def escape_markdown(text: str) -> str:
    """For user input shown inside the bot's own formatting (titles, names, paths)."""
    return neutralise_mass_mentions(_MARKDOWN.sub(r"\\\1", text))
