"""Echoing board text into chat safely, and short card ids that stay unambiguous."""

from __future__ import annotations

from collections.abc import Iterable

from bot.sanitize import escape_markdown, one_line

SHORT_ID = 6
MIN_TYPED_ID = 4
MAX_ECHO = 160


def safe(text: str, limit: int = MAX_ECHO) -> str:
    """Text from the board shown in a room: capped, Markdown escaped, mentions defused."""
    # No @all/@here (nor anyone else) gets pinged by a card title or a comment.
    return escape_markdown(one_line(text, limit), every_mention=True)


def short_ids(card_ids: Iterable[str]) -> dict[str, str]:
    """The shortest prefix (at least SHORT_ID long) that names each card alone."""
    ids = sorted(set(card_ids))
    found: dict[str, str] = {}
    for index, card_id in enumerate(ids):
        neighbours = ids[max(index - 1, 0): index] + ids[index + 1: index + 2]
        common = max((_common(card_id, other) for other in neighbours), default=0)
        found[card_id] = card_id[: max(SHORT_ID, common + 1)]
    return found


def short_id(card_id: str) -> str:
    return card_id[:SHORT_ID]


def _common(first: str, second: str) -> int:
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return length


def card_label(title: str, card_id: str, short: str | None = None, url: str = "") -> str:
    """`"Title" (AbCdEf)`, the id a link to the card when its address is known."""
    shown = short or short_id(card_id)
    return f"\"{safe(title)}\" ({_link(shown, url)})"


def board_label(title: str, url: str = "") -> str:
    """The board's title in bold, a link to the board when its address is known."""
    return f"**{_link(safe(title), url)}**"


def _link(text: str, url: str) -> str:
    # Rocket.Chat's message parser reads `[label](url)`, in bold too (References and
    # BoldContent in Rocket.Chat packages/message-parser/src/grammar.pegjs, parser 0.32).
    return f"[{text}]({url})" if url else text
