"""Who may act on other people's shares and messages."""

from __future__ import annotations

from bot.context import Context


def is_admin(ctx: Context) -> bool:
    return ctx.is_admin


def moderates(ctx: Context) -> bool:
    return ctx.moderates_room
