"""Shares with Nextcloud users and groups: @user, #room (its group or its members), group."""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Context
from bot.errors import PermissionDenied, UserFacingError
from bot.i18n import N_
from bot.models import Room
from bot.ports.files import (
    FilesPort,
    GroupSharingDisabled,
    RemoteFile,
    ShareKind,
    SharePermission,
    UnknownGroup,
    UnknownUser,
)
from commands.partage.display import code, label
from commands.partage.options import Recipient, RecipientKind
from commands.partage.store import NewShare, ShareRecords


@dataclass(frozen=True, slots=True)
class Target:
    kind: ShareKind
    name: str

    def shown(self, ctx: Context) -> str:
        if self.kind is ShareKind.USER:
            return f"@{self.name}"
        return ctx.t(N_("group {name}"), name=code(self.name))


@dataclass
class Resolution:
    targets: list[Target]
    skipped: list[str]


def rights(node: RemoteFile, edit: bool) -> SharePermission:
    return SharePermission.editing(node.is_dir) if edit else SharePermission.READ


SELF_SHARE = N_("I cannot share a file with myself: name people, a room or a group.")


def _is_bot(ctx: Context, files: FilesPort, name: str) -> bool:
    """The bot's chat or Nextcloud account. Nextcloud's sharee search offers the searching
    account itself on an exact id (UserPlugin::search, Nextcloud 30), then refuses the share
    with an untranslated "Cannot share with yourself"."""
    own = {ctx.chat.bot_username.lower(), files.account.lower()}
    return name.lower() in own - {""}


async def _user(ctx: Context, files: FilesPort, name: str) -> Target:
    if _is_bot(ctx, files, name):
        raise UserFacingError(SELF_SHARE)
    found = await files.find_user(name)
    if found is None:
        raise UnknownUser(f"@{name}")
    if _is_bot(ctx, files, found):
        raise UserFacingError(SELF_SHARE)
    return Target(ShareKind.USER, found)


async def _group(files: FilesPort, name: str) -> Target:
    found = await files.find_group(name)
    if found is None:
        # With group sharing off the sharee search offers no group at all
        # (ShareesAPIController::search, Nextcloud 30): say that, not "no such group".
        if not (await files.refresh_policy()).group_sharing:
            raise GroupSharingDisabled(name)
        raise UnknownGroup(name)
    return Target(ShareKind.GROUP, found)


async def _room_of_caller(ctx: Context, name: str) -> Room:
    """The room named with #, only if the caller is one of its members (the room where they
    typed the command is one): sharing with a room, and naming its members, is for its
    members. A missing room and a room the caller is not in get the same answer, so that
    private rooms stay invisible."""
    if name.lower() == ctx.room.name.lower():
        return ctx.room
    room = await ctx.chat.room_by_name(name)
    if room is None or not await ctx.chat.is_member(room.id, ctx.user):
        raise PermissionDenied(N_("You are not a member of a room named {room}."),
                               room=code(f"#{name}"))
    return room


async def _room(ctx: Context, files: FilesPort, name: str, into: Resolution) -> None:
    """The Nextcloud group named after the room, else each member who has an account."""
    room = await _room_of_caller(ctx, name)
    group = await files.find_group(name)
    if group is not None:
        into.targets.append(Target(ShareKind.GROUP, group))
        return
    for member in await ctx.chat.room_members(room.id):
        if _is_bot(ctx, files, member.username):
            continue
        account = await files.find_user(member.username)
        if account is not None and _is_bot(ctx, files, account):
            continue
        if account is None:
            into.skipped.append(member.username)
        else:
            into.targets.append(Target(ShareKind.USER, account))


async def resolve(ctx: Context, files: FilesPort, recipients: tuple[Recipient, ...]) -> Resolution:
    """Every recipient checked before anything is shared, so a typo shares nothing."""
    resolution = Resolution([], [])
    for recipient in recipients:
        if recipient.kind is RecipientKind.USER:
            resolution.targets.append(await _user(ctx, files, recipient.name))
        elif recipient.kind is RecipientKind.GROUP:
            resolution.targets.append(await _group(files, recipient.name))
        else:
            await _room(ctx, files, recipient.name, resolution)
    unique = list(dict.fromkeys(resolution.targets))
    return Resolution(unique, resolution.skipped)


async def share_internally(  # noqa: PLR0913 - the services, then what to share with whom
    ctx: Context,
    files: FilesPort,
    records: ShareRecords,
    node: RemoteFile,
    resolution: Resolution,
    *,
    edit: bool,
) -> None:
    if not resolution.targets:
        raise UserFacingError(N_("Nobody to share with: none of them has a Nextcloud account."))
    made, known, url = [], [], ""
    for target in resolution.targets:
        share = await files.share_with(
            node.path, target.kind, target.name, rights(node, edit), label(ctx)
        )
        url = share.url
        # Nextcloud answers a repeated user/group share with the existing one (Nextcloud 30
        # lib/private/Share20/Manager.php createShare catches AlreadySharedException).
        if await records.active_by_remote_id(share.id) is not None:
            known.append(target.shown(ctx))
            continue
        await records.add(
            NewShare(
                remote_id=share.id, path=share.path or node.path, url=share.url,
                kind=share.kind.value, creator_id=ctx.user.id,
                creator_username=ctx.user.username, room_id=ctx.room.id,
                room_name=ctx.room.name, permissions=share.permissions.value,
                recipient=target.name, expires_on=share.expires,
            )
        )
        made.append(target.shown(ctx))
    await ctx.reply(
        _announce(ctx, node, made=made, known=known, skipped=resolution.skipped, url=url,
                  edit=edit)
    )


def _announce(
    ctx: Context,
    node: RemoteFile,
    *,
    made: list[str],
    known: list[str],
    skipped: list[str],
    url: str,
    edit: bool,
) -> str:
    lines = []
    if made:
        message = (N_("{name} is shared for editing with {who}: {url}") if edit
                   else N_("{name} is shared read-only with {who}: {url}"))
        lines.append(ctx.t(message, name=code(node.name), who=", ".join(made), url=url))
    if known:
        lines.append(ctx.t(N_("Already shared with {who}."), who=", ".join(known)))
    if skipped:
        lines.append(
            ctx.t(N_("No Nextcloud account for: {who}."), who=", ".join(code(s) for s in skipped))
        )
    return "\n".join(lines)
