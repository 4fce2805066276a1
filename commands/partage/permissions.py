"""Who may act on other people's shares and messages."""

from __future__ import annotations

from bot.context import Context

# Room-level roles as the chat reports them on the user (Rocket.Chat: owner, moderator).
ROOM_ROLES = frozenset({"owner", "moderator"})


def is_admin(ctx: Context) -> bool:
    return bool(ctx.user.roles & frozenset(ctx.settings.admin_roles))


def moderates(ctx: Context) -> bool:
    return is_admin(ctx) or bool(ctx.user.roles & ROOM_ROLES)
