"""/partage <chemin> [--mdp] [--expire 7j] [--edition] [--avec @u #salon groupe] (/share)."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserFacingError
from bot.events import Pipeline
from bot.i18n import N_
from bot.injection import require
from bot.routing import argument, option
from commands.partage.attachments import share_attachments
from commands.partage.deliver import deliver
from commands.partage.display import Files, code
from commands.partage.options import (
    Recipient,
    ShareOptions,
    parse_expiry,
    parse_recipient,
)
from commands.partage.paths import read_path
from commands.partage.router import router
from commands.partage.sharing import Sharing
from commands.partage.storage import room_path


@router.command(
    "partage",
    aliases=("share",),
    help=N_("Share a Nextcloud file by link or with people, instead of an attachment"),
    examples=(
        "/partage budget.xlsx --expire 3j",
        "/partage rapport.pdf --avec @jean #equipe-projet",
    ),
)
@argument(
    "chemin", required=False, greedy=True, metavar=N_("path"),
    help=N_("file or folder in this room's share folder; leave out in a file's thread"),
)
@option("mdp", aliases=("password",), flag=True, help=N_("protect the link with a password"))
@option("expire", aliases=("expiry",), parser=parse_expiry, metavar=N_("duration"),
        help=N_("link lifetime, e.g. 7j or 31/12"))
@option("edition", aliases=("edit",), flag=True, help=N_("allow editing"))
@option("avec", aliases=("with",), multiple=True, parser=parse_recipient,
        metavar=N_("recipients"), help=N_("@user, #room or group: internal shares, no link"))
async def partage(  # noqa: PLR0913 - one keyword per declared option
    ctx: Context,
    files: Files,
    sharing: Sharing,
    pipeline: Pipeline,
    *,
    chemin: str | None,
    mdp: bool,
    expire: int | None,
    edition: bool,
    avec: list[Recipient],
) -> None:
    # Read here rather than by a parser: the share root is this feature's setting, a service.
    typed = None if chemin is None else read_path(chemin, sharing.settings.share_root)
    require(files)
    options = ShareOptions(mdp, expire, edition, tuple(avec))
    if typed is None:
        await share_attachments(ctx, files, sharing, options, pipeline)
        return
    path = await room_path(ctx, sharing, typed)
    node = await files.stat(path)
    if node is None:
        raise UserFacingError(N_("There is no {detail} in Nextcloud."), detail=code(path))
    await deliver(ctx, files, sharing, node, options)


__all__ = ["partage", "router"]
