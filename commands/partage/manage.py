"""/partage liste and /partage revoquer <id>."""

from __future__ import annotations

from bot.context import Context
from bot.errors import ArgumentError, PermissionDenied, UserFacingError
from bot.i18n import N_
from bot.models import RoomType
from bot.ports.files import ShareNotFound
from bot.routing import argument
from commands.partage.display import Files, code, day
from commands.partage.options import today
from commands.partage.permissions import is_admin, moderates
from commands.partage.share import partage
from commands.partage.store import ShareRecord, ShareRecords


def parse_share_number(value: str, _ctx: Context) -> int:
    text = value.strip().lstrip("#")
    if not text.isdigit() or len(text) > 12:
        raise ArgumentError(N_("{value} is not a share number (see /partage liste)."),
                            value=value)
    return int(text)


@partage.subcommand(
    "liste",
    aliases=("list",),
    help=N_("My shares still in force (in this room, or all of them in a DM)"),
)
async def liste(ctx: Context, records: ShareRecords) -> None:
    room_id = None if ctx.room.type is RoomType.DIRECT else ctx.room.id
    shares = await records.by_creator(
        ctx.user.id, room_id=room_id, today=today(ctx)
    )
    if not shares:
        await ctx.reply(ctx.t(N_("You have no share in force here.")))
        return
    lines = [ctx.t(N_("Your shares:"))] + [_line(ctx, share) for share in shares]
    await ctx.reply("\n".join(lines))


def _line(ctx: Context, share: ShareRecord) -> str:
    name = code(share.path.rpartition("/")[2] or share.path)
    if share.expires_on is None:
        until = ctx.t(N_("no expiry"))
    else:
        until = ctx.t(N_("until {date}"), date=day(ctx, share.expires_on))
    who = f" → {share.recipient}" if share.recipient else ""
    return f"- #{share.id} {name}{who}: {share.url} ({until})"


def _may_revoke(ctx: Context, share: ShareRecord) -> bool:
    if share.creator_id == ctx.user.id or is_admin(ctx):
        return True
    return share.room_id == ctx.room.id and moderates(ctx)


@partage.subcommand(
    "revoquer",
    aliases=("revoke",),
    help=N_("Revoke one of the shares: the link stops working"),
    examples=("/partage revoquer 12",),
)
@argument("numero", parse_share_number, metavar=N_("number"))
async def revoquer(ctx: Context, files: Files, records: ShareRecords, numero: int) -> None:
    share = await records.get(numero)
    if share is None:
        raise UserFacingError(N_("There is no share #{id}."), id=numero)
    if not _may_revoke(ctx, share):
        raise PermissionDenied(
            N_("Only the person who made share #{id} or a room moderator can revoke it."),
            id=numero,
        )
    if share.revoked:
        raise UserFacingError(N_("Share #{id} was already revoked."), id=numero)
    gone = False
    try:
        await files.delete_share(share.remote_id)
    except ShareNotFound:
        gone = True
    await records.mark_revoked(numero, ctx.user.username)
    name = code(share.path.rpartition("/")[2])
    if gone and share.expires_on is not None and share.expires_on <= today(ctx):
        # Nextcloud deletes an expired share when it is next read (Share20\Manager::checkShare)
        await ctx.reply(ctx.t(N_("Share #{id} ({name}) had expired on {date}; it is now closed "
                                 "here."), id=numero, name=name, date=day(ctx, share.expires_on)))
        return
    message = (N_("Share #{id} ({name}) was already gone from Nextcloud; it is now closed here.")
               if gone else N_("Share #{id} ({name}) is revoked: the link no longer works."))
    await ctx.reply(ctx.t(message, id=numero, name=name))
