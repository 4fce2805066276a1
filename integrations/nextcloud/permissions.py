"""The bot's share permissions as Nextcloud's permission bits, and back."""

from __future__ import annotations

from functools import reduce

from bot.ports.files import SharePermission

# Nextcloud lib/public/Constants.php (30.0): PERMISSION_READ 1, PERMISSION_UPDATE 2,
# PERMISSION_CREATE 4, PERMISSION_DELETE 8, PERMISSION_SHARE 16.
BITS: dict[SharePermission, int] = {
    SharePermission.READ: 1,
    SharePermission.EDIT: 2,
    SharePermission.ADD: 4,
    SharePermission.DELETE: 8,
    SharePermission.RESHARE: 16,
}


def to_nextcloud(permissions: SharePermission) -> int:
    return sum(bit for flag, bit in BITS.items() if flag in permissions)


def permissions_from_nextcloud(bits: int) -> SharePermission:
    """Bits the bot has no word for (none today) are dropped."""
    return reduce(
        lambda found, item: found | item[0] if bits & item[1] else found,
        BITS.items(),
        SharePermission(0),
    )
