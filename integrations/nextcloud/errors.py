"""Nextcloud's refusals (nc-py-api exceptions) turned into the port's typed errors.

nc-py-api calls the Share API on OCS v1, so a refusal arrives as NextcloudException with the
OCS status code and Nextcloud's English message in `reason` (nc-py-api 0.30 _exceptions.py
`check_error`, _session.py `ocs`); the messages matched here are those of Nextcloud 30
apps/files_sharing/lib/Controller/ShareAPIController.php and lib/private/Share20/Manager.php.
DAV failures carry the HTTP status only.
"""

from __future__ import annotations

import re

from nc_py_api import NextcloudException, NextcloudMissingCapabilities

from bot.errors import ServiceUnavailable
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
    Refused,
    RemoteNotFound,
    ShareNotFound,
    SharingDisabled,
    UnknownGroup,
    UnknownUser,
    WeakPassword,
)

SERVICE = "Nextcloud"
MAX_DAYS = re.compile(r"more than (\d+) days? in the future", re.IGNORECASE)
# Answers that mean "the server is not there right now", not "the request was wrong":
# 408 is nc-py-api's read timeout; 996/999 are OCS server errors sent as HTTP statuses.
UNAVAILABLE = {408, 996, 999}
# Share API messages (§2.5), most specific first; matched case-insensitively.
OCS_MESSAGES: tuple[tuple[str, type[FilesError]], ...] = (
    ("valid account", UnknownUser),
    ("valid user", UnknownUser),
    ("valid group", UnknownGroup),
    ("group sharing is disabled", GroupSharingDisabled),
    ("public link sharing is disabled", LinksDisabled),
    ("public upload", PublicUploadDisabled),
    ("passwords are enforced", PasswordRequired),
    ("password", WeakPassword),
    ("expiration date", ExpiryInvalid),
    ("invalid date", ExpiryInvalid),
    ("wrong share id", ShareNotFound),
    ("sharing is disabled", SharingDisabled),
    ("wrong path", RemoteNotFound),
    ("specify a file or folder path", RemoteNotFound),
)
DAV_STATUSES: dict[int, type[FilesError]] = {
    400: ForbiddenName,  # .htaccess, *.part, a backslash in the name
    404: RemoteNotFound,
    405: AlreadyExists,  # MKCOL on an existing folder
    409: RemoteNotFound,  # the parent folder is missing
    412: AlreadyExists,  # MOVE/COPY onto an existing target without overwrite
}


def _unavailable(status: int) -> bool:
    return status in UNAVAILABLE or (status >= 500 and status != 507) or status in (401, 997)


def translate(exc: NextcloudException, subject: str = "", *, dav: bool = False) -> Exception:
    """The port error (or ServiceUnavailable) standing for one nc-py-api exception."""
    status = exc.status_code
    if isinstance(exc, NextcloudMissingCapabilities):
        return SharingDisabled(str(exc.info))
    if status == 507:
        return QuotaExceeded(subject)
    if _unavailable(status):
        detail = "authentication refused" if status in (401, 997) else f"HTTP {status}"
        return ServiceUnavailable(SERVICE, detail)
    if dav:
        return DAV_STATUSES.get(status, Refused)(subject or exc.reason or "")
    return _ocs_error(status, exc.reason or "", subject)


def _ocs_error(status: int, reason: str, subject: str) -> FilesError:
    limit = MAX_DAYS.search(reason)
    if limit is not None:
        return ExpiryTooFar(int(limit.group(1)), reason)
    lowered = reason.lower()
    for needle, error in OCS_MESSAGES:
        if needle in lowered:
            keeps_reason = error in (WeakPassword, ExpiryInvalid)
            return error(reason if keeps_reason else subject or reason)
    if status == 404:
        return RemoteNotFound(subject or reason)
    return Refused(reason or f"HTTP {status}")
