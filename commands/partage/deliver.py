"""One stored file to its audience: a public link, or internal shares with --avec."""

from __future__ import annotations

from bot.context import Context
from bot.ports.files import FilesPort, RemoteFile
from commands.partage.internal import resolve, share_internally
from commands.partage.links import share_link
from commands.partage.options import ShareOptions


async def deliver(ctx: Context, files: FilesPort, node: RemoteFile, options: ShareOptions) -> None:
    if options.recipients:
        resolution = await resolve(ctx, files, options.recipients)
        await share_internally(ctx, files, node, resolution, options.edit)
    else:
        await share_link(ctx, files, node, options)
