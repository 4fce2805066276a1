"""Small formatting helpers for what /partage posts."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from babel.dates import format_date

from bot.context import Context
from bot.ports.files import FILES_PORT, FilesPort


def code(text: str) -> str:
    """Inline code, so that names never render as Markdown or mentions."""
    return "`" + text.replace("`", "'") + "`"


def day(ctx: Context, value: date) -> str:
    return format_date(value, "long", locale=ctx.translator.locale)


def label(ctx: Context) -> str:
    """The share label Nextcloud shows: where and by whom it was made (at most 255 characters,
    the `label` column of Nextcloud core/Migrations/Version15000Date20181029084625.php)."""
    return f"rocketchat:{ctx.room.name}:{ctx.user.username}"[:255]


# What a handler declares to be given the file server (not set up: see bot/injection.py).
Files = Annotated[FilesPort, FILES_PORT]
