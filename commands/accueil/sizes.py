"""File sizes as people read them, in their language (Babel numbers, French units)."""

from __future__ import annotations

from bot.i18n import N_, Translator

KILOBYTE = 1024
UNITS = (
    (KILOBYTE**3, N_("{value} GB")),
    (KILOBYTE**2, N_("{value} MB")),
    (KILOBYTE, N_("{value} kB")),
)


def human_size(translator: Translator, size: int) -> str:
    for unit, label in UNITS:
        if size >= unit:
            return translator.t(label, value=translator.number(round(size / unit, 1)))
    return translator.tn("{count} byte", "{count} bytes", size)
