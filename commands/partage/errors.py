"""The file server's typed refusals, said to the user in their language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.errors import UserFacingError
from bot.i18n import N_, Nn_
from bot.ports.files import (
    AlreadyExists,
    ExpiryInvalid,
    ExpiryTooFar,
    FilesError,
    ForbiddenName,
    GroupSharingDisabled,
    LinksDisabled,
    PasswordRequired,
    PublicUploadDisabled,
    QuotaExceeded,
    RemoteNotFound,
    ShareNotFound,
    SharingDisabled,
    UnknownGroup,
    UnknownUser,
    WeakPassword,
)

MESSAGES: dict[type[FilesError], str] = {
    RemoteNotFound: N_("There is no {detail} in Nextcloud."),
    UnknownUser: N_("Nextcloud has no account named {detail}."),
    UnknownGroup: N_("Nextcloud has no group named {detail}."),
    PasswordRequired: N_("Nextcloud requires a password on public links."),
    WeakPassword: N_("Nextcloud refused the password: {detail}"),
    ExpiryInvalid: N_("Nextcloud refused the expiry date: {detail}"),
    QuotaExceeded: N_(
        "The bot's Nextcloud storage is full: ask an administrator to free space or raise "
        "its quota."
    ),
    SharingDisabled: N_("Sharing is turned off on Nextcloud by its administrator."),
    LinksDisabled: N_(
        "Public links are turned off on Nextcloud by its administrator; share with people "
        "or groups with --avec instead."
    ),
    PublicUploadDisabled: N_("Nextcloud does not allow editing through public links here."),
    GroupSharingDisabled: N_("Sharing with groups is turned off on Nextcloud."),
    ForbiddenName: N_("Nextcloud does not accept a file named {detail}."),
    AlreadyExists: N_("{detail} already exists in Nextcloud."),
    ShareNotFound: N_("This share no longer exists in Nextcloud."),
}
FALLBACK = N_("Nextcloud refused: {detail}")


LONGEST_EXPIRY = Nn_("Nextcloud allows links for {count} day at most.",
                     "Nextcloud allows links for {count} days at most.")


def explain(error: FilesError) -> UserFacingError:
    if isinstance(error, ExpiryTooFar):
        return UserFacingError(LONGEST_EXPIRY, count=error.max_days)
    message = next((MESSAGES[k] for k in type(error).__mro__ if k in MESSAGES), FALLBACK)
    return UserFacingError(message, detail=error.detail)


@contextmanager
def nextcloud_errors() -> Iterator[None]:
    """Lets a FilesError out as the user-facing sentence that explains it."""
    try:
        yield
    except FilesError as error:
        raise explain(error) from error
