"""Splits a command line into words, honouring quotes but not French apostrophes."""

from __future__ import annotations

from bot.errors import ArgumentError
from bot.i18n import N_

QUOTE_PAIRS = {'"': '"', "«": "»", "“": "”", "'": "'"}


def split_words(line: str) -> list[str]:
    words: list[str] = []
    index, length = 0, len(line)
    while index < length:
        if line[index].isspace():
            index += 1
            continue
        closing = QUOTE_PAIRS.get(line[index])
        end = _closing_quote(line, index, closing) if closing else -1
        if end >= 0:
            words.append(line[index + 1 : end].strip())
            index = end + 1
            continue
        if closing in {'"', "«"}:
            raise ArgumentError(N_("A quote is not closed."))
        start = index
        while index < length and not line[index].isspace():
            index += 1
        words.append(line[start:index])
    return words


def _closing_quote(line: str, start: int, closing: str) -> int:
    end = line.find(closing, start + 1)
    # An apostrophe only quotes when it closes right before a space or the end ("l'agence").
    if closing == "'" and end >= 0 and end + 1 < len(line) and not line[end + 1].isspace():
        return -1
    return end
