"""/partage in the thread of a message with files: move them to Nextcloud, post links."""

from __future__ import annotations

import logging
from dataclasses import fields, replace

from bot.context import Context
from bot.errors import ArgumentError, ServiceUnavailable
from bot.events import AttachmentMoved, Pipeline
from bot.i18n import N_
from bot.models import ChatEvent
from bot.ports.files import FilesPort
from commands.partage.deliver import deliver
from commands.partage.options import ShareOptions
from commands.partage.paths import safe_file_name
from commands.partage.permissions import moderates
from commands.partage.sharing import Sharing
from commands.partage.storage import room_folder, store

log = logging.getLogger(__name__)


async def parent_with_files(ctx: Context) -> ChatEvent:
    parent = await ctx.chat.message(ctx.thread_id) if ctx.thread_id else None
    if parent is None or not parent.files:
        raise ArgumentError(
            N_("Name a file to share, or answer with /partage in the thread of a message "
               "that has a file.")
        )
    return parent


async def share_attachments(
    ctx: Context, files: FilesPort, sharing: Sharing, options: ShareOptions, pipeline: Pipeline
) -> None:
    parent = await parent_with_files(ctx)
    policy = await files.policy()
    folder = await room_folder(ctx, sharing, dated=True)
    for attachment in parent.files:
        name = safe_file_name(attachment.name, policy)
        node = await store(files, folder, name, await ctx.chat.download(attachment))
        await deliver(ctx, files, sharing, node, options)
    await _tell_moved(ctx, parent, pipeline)
    await ctx.reply(await _remove_original(ctx, parent))


async def _tell_moved(ctx: Context, parent: ChatEvent, pipeline: Pipeline) -> None:
    """Tells whoever counts what the chat was spared; the share is done whatever they do."""
    moved = AttachmentMoved(**{f.name: getattr(parent, f.name) for f in fields(ChatEvent)})
    try:
        await pipeline.feed(replace(moved, user=ctx.user, timestamp=ctx.clock.now()))
    except Exception:  # counting must never undo or fail a share that happened
        log.exception("could not tell that an attachment was moved")


async def _remove_original(ctx: Context, parent: ChatEvent) -> str:
    """Only once every link is posted; the poster or a moderator may have it removed."""
    if parent.user.id != ctx.user.id and not moderates(ctx):
        return ctx.t(N_("The original message stays: only its author or a room moderator "
                        "can have it removed."))
    try:
        removed = await ctx.chat.delete_message(parent.room.id, parent.message_id)
    except ServiceUnavailable:
        removed = False
    if not removed:
        return ctx.t(N_("I could not remove the original attachment (I may lack the right "
                        "to); please delete it yourself."))
    return ctx.t(N_("The original attachment was removed from the conversation."))
