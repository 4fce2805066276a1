"""Permission normalisation and date/password checks of the OCS Share API.

Mirrors nc30 apps/files_sharing/lib/Controller/ShareAPIController.php (createShare,
updateShare, parseDate) and lib/private/Share20/Manager.php (validateExpirationDateLink,
verifyPassword, generalCreateChecks).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .envelope import OcsError
from .l10n import Joined, Text
from .policy import Policy
from .tree import Node

READ, UPDATE, CREATE, DELETE, SHARE = 1, 2, 4, 8, 16
ALL = 31
USER, GROUP, LINK, EMAIL, ROOM = 0, 1, 3, 4, 10

# Owner's permissions on a node (`item_permissions`): files cannot get create/delete children.
FILE_PERMISSIONS = READ | UPDATE | DELETE | SHARE  # 27
FOLDER_PERMISSIONS = ALL


def node_permissions(node: Node) -> int:
    return FOLDER_PERMISSIONS if node.is_dir else FILE_PERMISSIONS


def today_in(zone: str) -> date:
    """The day it is for an account: nc30 lib/private/DateTimeZone.php getTimeZone reads the
    account's `core.timezone`, else the session's offset, else config.php `default_timezone`
    (itself "UTC" by default); ShareAPIController::parseDate and
    Manager::validateExpirationDateLink both set 00:00 of that day in that zone."""
    return datetime.now(ZoneInfo(zone)).date()


def parse_permissions(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise OcsError(404, "Invalid permissions") from exc


def parse_expire(raw: str) -> date:
    """PHP DateTime accepts many forms; YYYY-MM-DD and ISO datetimes are what clients send."""
    for parse in (date.fromisoformat, lambda s: datetime.fromisoformat(s).date()):
        try:
            return parse(raw.strip())
        except ValueError:
            continue
    raise OcsError(404, "Invalid date, date format must be YYYY-MM-DD")


def normalise_create(
    requested: int | None, share_type: int, node: Node, public_upload: bool, policy: Policy
) -> int:
    """§2.3 rules 1–6: default, range, read added, file strips 4|8, public upload = 15."""
    if requested is None:
        permissions = READ if share_type in (LINK, EMAIL) else policy.default_permissions
    else:
        permissions = requested
    if permissions < 0 or permissions > ALL:
        raise OcsError(404, "Invalid permissions")
    if permissions & (READ | CREATE) == 0:
        permissions |= READ
    if not node.is_dir:
        permissions &= ~(DELETE | CREATE)
    if share_type in (LINK, EMAIL) and public_upload:
        permissions = READ | UPDATE | CREATE | DELETE
    return permissions


def check_link_permissions(permissions: int, node: Node, policy: Policy) -> int:
    """Public-upload checks, then the share bit that outgoing federation adds [run]."""
    if permissions & CREATE:
        if not policy.public_upload:
            raise OcsError(403, "Public upload disabled by the administrator")
        if not node.is_dir:
            raise OcsError(404, "Public upload is only possible for publicly shared folders")
    if permissions & READ:
        permissions |= SHARE
    return permissions


def check_increase(permissions: int, node: Node) -> None:
    if node_permissions(node) & permissions != permissions:
        raise OcsError(404, Text("Cannot increase permissions of %s", (f"/{node.path}",)))


def validate_link_expiry(
    expire: date | None, no_expiry: bool, is_new: bool, policy: Policy, today: date
) -> date | None:
    """Manager::validateExpirationDateLink; GenericShareException → 404, others → 403."""
    enforced = policy.expire_date_enabled and policy.expire_date_enforced
    if no_expiry and not enforced:
        return None
    if expire is not None and expire <= today:
        raise OcsError(404, "Expiration date is in the past")
    if is_new and expire is None and policy.expire_date_enabled:
        expire = today + timedelta(days=policy.expire_date_days)
    if enforced:
        if expire is None:
            raise OcsError(403, "Expiration date is enforced")
        days = policy.expire_date_days
        if expire > today + timedelta(days=days):
            raise OcsError(404, Text(
                "Cannot set expiration date more than %n day in the future",
                plural="Cannot set expiration date more than %n days in the future", count=days,
            ))
    return expire


def validate_internal_expiry(expire: date | None, today: date) -> date | None:
    if expire is not None and expire <= today:
        raise OcsError(404, "Expiration date is in the past")
    return expire


def verify_password(password: str | None, policy: Policy) -> None:
    """Manager::verifyPassword: enforcement first, then the password_policy hints joined."""
    if password is None:
        if policy.password_enforced:
            raise OcsError(403, "Passwords are enforced for link and mail shares")
        return
    errors = policy.password_errors(password)
    if errors:
        raise OcsError(403, Joined(tuple(errors)))
