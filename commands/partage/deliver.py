"""One stored file to its audience: a public link, or internal shares with --avec."""

from __future__ import annotations

from bot.context import Context
from bot.ports.files import FilesPort, RemoteFile
from commands.partage.internal import resolve, share_internally
from commands.partage.links import share_link
from commands.partage.options import ShareOptions
from commands.partage.sharing import Sharing


async def deliver(
    ctx: Context, files: FilesPort, sharing: Sharing, node: RemoteFile, options: ShareOptions
) -> None:
    if options.recipients:
        resolution = await resolve(ctx, files, options.recipients)
        await share_internally(ctx, files, sharing.records, node, resolution,
                               edit=options.edit)
    else:
        await share_link(ctx, files, sharing, node, options)
