"""A 📌 reaction or a pin on a message of a cell's room puts that message in the main
courante, with its original author and time."""

from __future__ import annotations

from bot.context import Context
from bot.events import MessagePinned, ReactionAdded
from bot.routing import Router
from commands.crise.desk import CrisisDesk
from commands.crise.store import EntryKind

router = Router()
PIN_REACTIONS = frozenset({":pushpin:", ":round_pushpin:", "📌"})


async def _keep(ctx: Context, desk: CrisisDesk) -> None:
    cell = await desk.cells.by_room(ctx.room.id)
    if cell is None or not cell.is_open or ctx.event.message_id == cell.get("fiche_id"):
        return
    original = await ctx.chat.message(ctx.event.message_id)
    author = original.user.username if original else ctx.event.user.username
    if author == ctx.chat.bot_username or original is None or not original.text.strip():
        return
    await desk.log(cell, EntryKind.PINNED, author, original.text[:2000],
                   ref=f"msg:{ctx.event.message_id}", at=original.timestamp)


@router.on(ReactionAdded)
async def on_reaction(ctx: Context, event: ReactionAdded, desk: CrisisDesk) -> None:
    if event.reaction in PIN_REACTIONS:
        await _keep(ctx, desk)


@router.on(MessagePinned)
async def on_pin(ctx: Context, event: MessagePinned, desk: CrisisDesk) -> None:
    await _keep(ctx, desk)
