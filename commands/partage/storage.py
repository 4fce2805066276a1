"""Where the bot stores what it shares: Partage/<room>/[<date>/], never over an existing file."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserFacingError
from bot.i18n import N_
from bot.ports.files import FilesPort, RemoteFile
from commands.partage.options import today
from commands.partage.paths import TypedPath, folder_name, numbered
from commands.partage.sharing import Sharing

MAX_COPIES = 100


async def room_folder_name(ctx: Context, sharing: Sharing) -> str:
    """The room's own folder under the share root, named after the room at its first use."""
    return await sharing.folders.folder_for(ctx.room.id, folder_name(ctx.room.name))


async def room_folder(ctx: Context, sharing: Sharing, *, dated: bool) -> str:
    folder = f"{sharing.settings.share_root}/{await room_folder_name(ctx, sharing)}"
    return f"{folder}/{today(ctx).isoformat()}" if dated else folder


async def room_path(ctx: Context, sharing: Sharing, typed: TypedPath) -> str:
    """Where a typed path points: always inside the room's own folder."""
    return typed.inside(sharing.settings.share_root, await room_folder_name(ctx, sharing))


async def free_path(files: FilesPort, folder: str, name: str) -> str:
    """The first of `name`, `name (2)`, … not taken: a PUT would silently overwrite (§1.4)."""
    for number in range(1, MAX_COPIES + 1):
        candidate = f"{folder}/{name if number == 1 else numbered(name, number)}"
        if await files.stat(candidate) is None:
            return candidate
    raise UserFacingError(N_("Too many files named {name} here already."), name=name)


async def store(files: FilesPort, folder: str, name: str, content: bytes) -> RemoteFile:
    await files.ensure_folder(folder)
    path = await free_path(files, folder, name)
    return await files.upload(path, content)
