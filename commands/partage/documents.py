"""/partage nouveau <nom>.docx|.xlsx|.pptx: a blank document to co-edit with the room."""

from __future__ import annotations

from bot.context import Context
from bot.errors import ArgumentError
from bot.i18n import N_
from bot.injection import require
from bot.ports.files import FilesPort
from bot.routing import argument
from commands.partage.blank_office import EXTENSIONS, blank_document
from commands.partage.display import Files
from commands.partage.internal import Resolution, resolve, share_internally
from commands.partage.links import share_link
from commands.partage.options import Recipient, RecipientKind, ShareOptions
from commands.partage.paths import safe_file_name
from commands.partage.share import partage
from commands.partage.sharing import Sharing
from commands.partage.storage import room_folder, store


def parse_document_name(value: str, _ctx: Context) -> str:
    name = value.strip()
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in EXTENSIONS or len(name) <= len(extension) + 1:
        raise ArgumentError(N_("Give a name ending in .docx, .xlsx or .pptx."))
    return name


@partage.subcommand(
    "nouveau",
    aliases=("new",),
    help=N_("Create a blank document to edit together with the room"),
    examples=("/partage nouveau compte-rendu.docx",),
)
@argument("nom", parse_document_name, greedy=True, metavar=N_("name.docx"))
async def nouveau(ctx: Context, files: Files, sharing: Sharing, nom: str) -> None:
    require(files)
    policy = await files.policy()
    name = safe_file_name(nom, policy)
    extension = name.rpartition(".")[2].lower()
    folder = await room_folder(ctx, sharing, dated=False)
    node = await store(files, folder, name, blank_document(extension))
    room = Recipient(RecipientKind.ROOM, ctx.room.name)
    resolution = await resolve(ctx, files, (room,))
    if not resolution.targets:
        resolution = await _requester(ctx, files)
    if resolution.targets:
        await share_internally(ctx, files, sharing.records, node, resolution, edit=True)
    else:
        await share_link(ctx, files, sharing, node, ShareOptions(edit=True))
    if extension in policy.office_extensions:
        await ctx.reply(ctx.t(N_("It opens in the online office editor from Nextcloud.")))
    else:
        await ctx.reply(ctx.t(N_("No online office editor on this Nextcloud: download the "
                                 "file to edit it, then upload it back.")))


async def _requester(ctx: Context, files: FilesPort) -> Resolution:
    found = await files.find_user(ctx.user.username)
    if found is None:
        return Resolution([], [])
    return await resolve(ctx, files, (Recipient(RecipientKind.USER, found),))
