"""Who a cell opens with: the opener, @people, the members of #rooms, named rosters."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from bot.context import Context
from bot.errors import ArgumentError
from bot.i18n import N_
from commands.crise.settings import CrisisSettings

SLUG_LENGTH = 40


def room_name(title: str, now: datetime) -> str:
    """`crise-AAAAMMJJ-<slug>`: a name Rocket.Chat accepts and people read."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:SLUG_LENGTH].strip("-") or "cellule"
    return f"crise-{now:%Y%m%d}-{slug}"


async def resolve(ctx: Context, words: list[str], settings: CrisisSettings,
                  severity: int) -> list[str]:
    """Usernames, the opener first; an unknown name is refused, naming it."""
    if not any(w in settings.rosters for w in words):
        default = settings.default_rosters.get(severity)
        words = [*words, default] if default else words
    found = [ctx.user.username]
    for word in words:
        found += await _expand(ctx, word, settings, depth=0)
    bot = ctx.chat.bot_username
    return [name for name in dict.fromkeys(found) if name != bot]


async def _expand(ctx: Context, word: str, settings: CrisisSettings, depth: int) -> list[str]:
    if word.startswith("#"):
        room = await ctx.chat.room_by_name(word)
        if room is None:
            raise ArgumentError(N_("I do not know the room {room}, or I am not in it."),
                                room=word, show_usage=False)
        return [user.username for user in await ctx.chat.room_members(room.id)]
    if word in settings.rosters and depth == 0:
        found: list[str] = []
        for entry in settings.rosters[word]:
            found += await _expand(ctx, entry, settings, depth + 1)
        return found
    name = word.removeprefix("@")
    user = await ctx.chat.user_by_username(name) if name else None
    if user is None:
        raise ArgumentError(N_("{name} is neither a person, a #room nor a roster."),
                            name=word, show_usage=False)
    return [user.username]
