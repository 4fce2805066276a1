"""Which cell a command is about, and who may do what in it."""

from __future__ import annotations

from bot.context import Context
from bot.errors import PermissionDenied, UserFacingError
from bot.i18n import N_
from commands.crise import texts
from commands.crise.desk import CrisisDesk
from commands.crise.store import Cell, Role

NOT_A_CELL = N_("Type this in the room of an open crisis cell (/crise liste shows them).")


def crisis_role(ctx: Context) -> bool:
    allowed = set(ctx.settings.crisis_roles) | set(ctx.settings.admin_roles)
    return bool(ctx.user.roles & allowed)


async def current_cell(ctx: Context, desk: CrisisDesk) -> Cell:
    cell = await desk.cells.by_room(ctx.room.id)
    if cell is None or not cell.is_open:
        raise UserFacingError(NOT_A_CELL)
    return cell


async def member_cell(ctx: Context, desk: CrisisDesk) -> Cell:
    """The cell of this room, for one of its members (or a crisis role)."""
    cell = await current_cell(ctx, desk)
    members = {m.username for m in await desk.cells.members(cell.id)}
    if ctx.user.username not in members and not crisis_role(ctx):
        raise PermissionDenied(N_("Only the members of the cell may do this."))
    return cell


async def leading_cell(ctx: Context, desk: CrisisDesk, command: str) -> Cell:
    """The cell of this room, for its pilot or secretary (or a crisis role); the refusal
    names who may."""
    cell = await current_cell(ctx, desk)
    if crisis_role(ctx):
        return cell
    members = await desk.cells.members(cell.id)
    leads = [m for m in members if m.role in (Role.PILOTE, Role.SECRETAIRE)]
    if any(m.username == ctx.user.username for m in leads):
        return cell
    who = [f"{texts.role_name(ctx.translator, m.role)} @{m.username}" for m in leads
           if m.role is not None]
    roles = ", ".join(sorted(set(ctx.settings.crisis_roles) | set(ctx.settings.admin_roles)))
    raise PermissionDenied(
        N_("/crise {command} is for the pilot and the secretary of the cell ({people}) and "
           "for these roles: {roles}."),
        command=command, people=", ".join(who) or "—", roles=roles,
    )
