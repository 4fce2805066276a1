"""Public links: password and expiry by default, the server's enforced policy always wins."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from bot.context import Context
from bot.i18n import N_
from bot.ports.files import (
    ExpiryTooFar,
    FilesPort,
    LinkRequest,
    LinksDisabled,
    PasswordRequired,
    PublicUploadDisabled,
    RemoteFile,
    RemoteShare,
    SharePermission,
    SharingDisabled,
    SharingPolicy,
    WeakPassword,
)
from commands.partage.display import code, day, label
from commands.partage.options import ShareOptions, expiry_date, today
from commands.partage.passwords import strong_password
from commands.partage.settings import SharingSettings
from commands.partage.sharing import Sharing
from commands.partage.store import NewShare


@dataclass(frozen=True, slots=True)
class LinkPlan:
    request: LinkRequest
    clamped_to: int | None = None
    edit_refused: bool = False


def _days(options: ShareOptions, policy: SharingPolicy, default: int) -> tuple[int, int | None]:
    """The expiry in days and, when the server's maximum cut the request, that maximum."""
    wanted = options.expire_days if options.expire_days is not None else default
    limit = policy.max_expiry_days
    if limit is None or wanted <= limit:
        return wanted, None
    return limit, limit if options.expire_days is not None else None


def _rights(
    node: RemoteFile, edit: bool, policy: SharingPolicy
) -> tuple[SharePermission, bool, bool]:
    """Permissions, public upload, and whether editing had to be refused by policy."""
    if not edit:
        return SharePermission.READ, False, False
    if not node.is_dir:
        return SharePermission.editing(folder=False), False, False
    if policy.public_upload:
        return SharePermission.editing(folder=True), True, False
    return SharePermission.READ, False, True


def plan_link(
    ctx: Context,
    settings: SharingSettings,
    node: RemoteFile,
    options: ShareOptions,
    policy: SharingPolicy,
) -> LinkPlan:
    if not policy.api_enabled:
        raise SharingDisabled()
    if not policy.links_enabled:
        raise LinksDisabled()
    days, clamped = _days(options, policy, settings.default_expiry_days)
    # On by default (settings); --mdp asks for one when an administrator turned that off.
    protect = options.password or policy.password_enforced or settings.link_password_by_default
    permissions, public_upload, refused = _rights(node, options.edit, policy)
    request = LinkRequest(
        path=node.path,
        permissions=permissions,
        password=strong_password(policy) if protect else None,
        expires=expiry_date(ctx, days),
        public_upload=public_upload,
        label=label(ctx),
    )
    return LinkPlan(request, clamped, refused)


# Nextcloud counts days in its own zone (the account's, else its `default_timezone`, often
# UTC), the bot in ENSEMBLE's: zones span 26 hours, so the server's day may be up to two
# behind ours and a date at its maximum may still be a day or two too far for it.
ZONE_SKEW_DAYS = 2


async def _create(
    ctx: Context, files: FilesPort, plan: LinkPlan
) -> tuple[RemoteShare, LinkPlan]:
    """Creates the link. The server may have tightened its policy since our last read: each
    of its corrections (password, maximum expiry, no public upload) is applied once, as a
    fresh read of the policy would have planned it, and the link asked again. A maximum
    expiry may be corrected a day at a time more, as long as the server's day lags ours."""
    corrected: set[type[Exception]] = set()
    shortened = 0
    while True:
        try:
            return await files.create_link(plan.request), plan
        except ExpiryTooFar as error:
            if shortened > ZONE_SKEW_DAYS:
                raise
            shortened += 1
            plan = _shortened(ctx, plan, error)
        except (PasswordRequired, WeakPassword, PublicUploadDisabled) as error:
            kind = PasswordRequired if isinstance(error, WeakPassword) else type(error)
            if kind in corrected:
                raise
            corrected.add(kind)
            plan = await _corrected(ctx, files, plan, error)


def _shortened(ctx: Context, plan: LinkPlan, error: ExpiryTooFar) -> LinkPlan:
    """The server's maximum from our today, or, when we sent that already, a day less."""
    request = plan.request
    longest = today(ctx) + timedelta(days=error.max_days)
    clamped: int | None
    if request.expires is None or request.expires > longest:
        expires, clamped = longest, error.max_days
    else:
        expires, clamped = request.expires - timedelta(days=1), plan.clamped_to
    # Our today is still worth asking: the server refused our tomorrow, so its day is behind
    # ours and our today may be its last allowed day. If it refuses that too, we give up.
    if expires < today(ctx):
        raise error
    return replace(plan, request=replace(request, expires=expires), clamped_to=clamped)


async def _corrected(ctx: Context, files: FilesPort, plan: LinkPlan, error: Exception) -> LinkPlan:
    request = plan.request
    if isinstance(error, PublicUploadDisabled):
        return replace(plan, request=replace(request, permissions=SharePermission.READ,
                                                  public_upload=False),
                       edit_refused=True)
    password = strong_password(await files.refresh_policy())
    return replace(plan, request=replace(request, password=password))


async def share_link(
    ctx: Context, files: FilesPort, sharing: Sharing, node: RemoteFile, options: ShareOptions
) -> None:
    policy = await files.policy()
    plan = plan_link(ctx, sharing.settings, node, options, policy)
    share, plan = await _create(ctx, files, plan)
    record = await sharing.records.add(
        NewShare(
            remote_id=share.id,
            path=share.path or node.path,
            url=share.url,
            kind=share.kind.value,
            creator_id=ctx.user.id,
            creator_username=ctx.user.username,
            room_id=ctx.room.id,
            room_name=ctx.room.name,
            permissions=share.permissions.value,
            protected=plan.request.password is not None,
            expires_on=share.expires or plan.request.expires,
        )
    )
    password = plan.request.password
    if password is not None:
        # The password goes to the requester alone, before the link reaches the room.
        await ctx.dm(
            ctx.t(
                N_("Password of the link to {name} ({url}): {password}"),
                name=code(node.name),
                url=share.url,
                password=code(password),
            )
        )
    await ctx.reply(_announce(ctx, node, share, plan, record.id))


def _announce(
    ctx: Context, node: RemoteFile, share: RemoteShare, plan: LinkPlan, share_number: int
) -> str:
    lines = [ctx.t(N_("Link to {name}: {url}"), name=code(node.name), url=share.url)]
    expires = share.expires or plan.request.expires
    if expires is not None:
        lines.append(ctx.t(N_("It expires on {date}."), date=day(ctx, expires)))
    if plan.clamped_to is not None:
        lines.append(
            ctx.tn("Nextcloud allows links for {count} day at most, so I shortened it.",
                   "Nextcloud allows links for {count} days at most, so I shortened it.",
                   plan.clamped_to)
        )
    if plan.request.password is not None:
        lines.append(ctx.t(N_("The link is protected by a password, sent to @{user} by direct "
                              "message only."), user=ctx.user.username))
    if SharePermission.EDIT in plan.request.permissions:
        lines.append(ctx.t(N_("People with the link can edit it.")))
    if plan.edit_refused:
        lines.append(
            ctx.t(N_("Nextcloud does not allow editing through public links: read only."))
        )
    lines.append(
        ctx.t(N_("Share #{id}: /partage revoquer {id} to revoke it."), id=share_number)
    )
    return "\n".join(lines)
