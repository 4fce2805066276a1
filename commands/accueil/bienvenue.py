"""/bienvenue: the welcome again, to oneself or (administrators) to someone."""

from __future__ import annotations

from bot.context import Context
from bot.errors import PermissionDenied, UserFacingError
from bot.i18n import N_
from bot.models import RoomType
from bot.routing import argument
from bot.sanitize import escape_markdown
from commands.accueil.arrivals import router
from commands.accueil.store import Arrivals
from commands.accueil.welcome import Welcomer


@router.command(
    "bienvenue",
    aliases=("welcome",),
    help=N_("The welcome message again, by direct message; administrators: to someone"),
    examples=("/bienvenue", "/bienvenue @jean"),
)
@argument("personne", required=False, metavar=N_("@user"),
          help=N_("who gets it (administrators only)"))
async def bienvenue(
    ctx: Context, welcomer: Welcomer, arrivals: Arrivals, personne: str | None
) -> None:
    if personne is None:
        await _to_caller(ctx, welcomer)
        return
    if not ctx.is_admin:
        raise PermissionDenied(
            N_("Only administrators can send the welcome message to someone else.")
        )
    wanted = personne.lstrip("@")
    target = await ctx.chat.user_by_username(wanted)
    if target is None or not target.id:
        raise UserFacingError(N_("There is nobody named {username} here."),
                              username=escape_markdown(wanted))
    await welcomer.send(target, key=f"{ctx.event.message_id}:welcome:{target.id}")
    await arrivals.claim(target.id, target.username, ctx.clock.now())
    await ctx.reply(ctx.t(N_("Welcome message sent to {username}."),
                          username=escape_markdown(target.username)))


async def _to_caller(ctx: Context, welcomer: Welcomer) -> None:
    text = welcomer.text(ctx.translator, ctx.user)
    if ctx.room.type is RoomType.DIRECT:
        await ctx.reply(text)
        return
    await ctx.dm(text)
    await ctx.reply(ctx.t(N_("I sent you the welcome message by direct message.")))
