"""/aide: help generated from the command declarations."""

from __future__ import annotations

from bot.context import Context
from bot.errors import ArgumentError
from bot.help import details, overview
from bot.i18n import N_
from bot.routing import CommandTable, Router, argument

router = Router()


@router.command(
    "aide",
    aliases=("help",),
    help=N_("List the commands, or explain one of them"),
    examples=("/aide reunion", "/help partage"),
)
@argument("commande", required=False, metavar=N_("command"), help=N_("a command name"))
async def aide(ctx: Context, table: CommandTable, commande: str | None) -> None:
    if commande is None:
        await ctx.reply(overview(table.commands, ctx.translator))
        return
    words = commande.lstrip("/!").split()
    command = table.find(words[0]) if words else None
    if command is None:
        raise ArgumentError(N_("There is no command /{command}."), command=commande.lstrip("/!"))
    for word in words[1:]:
        command = command.child(word) or command
    await ctx.reply(details(command, ctx.translator))
