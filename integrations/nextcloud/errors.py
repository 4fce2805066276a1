"""Nextcloud's refusals (nc-py-api exceptions) turned into the port's typed errors.

nc-py-api calls the Share API on OCS v1, so a refusal arrives as NextcloudException with the
OCS status code, and with Nextcloud's message in `reason`. That message is translated into the
language of the bot's account (ShareAPIController and Share20\\Manager build it with
`$this->l->t()`; a French account gets "Le partage de lien public a été désactivé par
l’administrateur"), so it is never read here: a refusal is recognised by its status code, by
the request that failed, and by a fresh read of the sharing policy (see `link_refusal`).
`reason` is only ever shown as the detail of an otherwise unexplained refusal.
DAV failures carry the HTTP status only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.errors import ServiceUnavailable
from bot.ports.files import (
    AlreadyExists,
    ExpiryInvalid,
    ExpiryTooFar,
    FilesError,
    ForbiddenName,
    GroupSharingDisabled,
    LinkRequest,
    LinksDisabled,
    PasswordRequired,
    PublicUploadDisabled,
    QuotaExceeded,
    Refused,
    RemoteNotFound,
    ShareKind,
    ShareNotFound,
    SharingDisabled,
    SharingPolicy,
    UnknownGroup,
    UnknownUser,
    WeakPassword,
)

if TYPE_CHECKING:  # nc-py-api is imported with the client, on the first Nextcloud call
    from nc_py_api import NextcloudException

SERVICE = "Nextcloud"
# Answers that mean "the server is not there right now", not "the request was wrong":
# 408 is nc-py-api's read timeout; 996/999 are OCS server errors sent as HTTP statuses.
UNAVAILABLE = {408, 996, 999}
NOT_FOUND, FORBIDDEN = 404, 403
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
    """The port error (or ServiceUnavailable) standing for one nc-py-api exception, from its
    status alone: a 404 of an OCS call means that `subject` is not there."""
    # Only ever given an exception nc-py-api raised: it is loaded by then.
    from nc_py_api import NextcloudMissingCapabilities  # noqa: PLC0415

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
    if status == NOT_FOUND:
        return RemoteNotFound(subject)
    return Refused(exc.reason or f"HTTP {status}")


def refused_by_policy(exc: NextcloudException) -> bool:
    """A refusal that a change of the admin's policy may explain (not an outage)."""
    error = translate(exc)
    return isinstance(error, FilesError) and not isinstance(error, QuotaExceeded)


@dataclass(frozen=True, slots=True)
class Refusal:
    """What is known of a refused POST /shares, none of it in a particular language."""

    status: int
    reason: str  # Nextcloud's words, in the account's language: a detail, never a key
    path: str
    exists: bool  # whether the path was still there right after the refusal

    @classmethod
    def of(cls, exc: NextcloudException, path: str, *, exists: bool) -> Refusal:
        return cls(exc.status_code, exc.reason or "", path, exists)

    def unexplained(self) -> FilesError:
        return Refused(self.reason or f"HTTP {self.status}")


def _switched_off(refusal: Refusal, policy: SharingPolicy, *, links: bool) -> FilesError | None:
    if not policy.api_enabled:
        return SharingDisabled()
    if links and not policy.links_enabled:
        return LinksDisabled()
    return None if refusal.exists else RemoteNotFound(refusal.path)


def link_refusal(refusal: Refusal, request: LinkRequest, policy: SharingPolicy) -> FilesError:
    """Why POST /shares refused a link, read from a policy fetched after the refusal.

    ShareAPIController::createShare (30.0.1) refuses a link with 404 when links are off, when
    the expiry is past or beyond the enforced maximum (Manager::validateExpirationDateLink
    throws GenericShareException with code 404) or when the path is gone; with 403 when public
    upload is off, when a password is enforced and missing or fails the password policy, or
    when an enforced expiry is missing (Manager::verifyPassword and the `\\Exception` catch).
    """
    found = _switched_off(refusal, policy, links=True)
    if found is not None:
        return found
    if request.public_upload and not policy.public_upload:
        return PublicUploadDisabled(request.path)
    if refusal.status == NOT_FOUND:
        return _refused_expiry(refusal, request, policy)
    if refusal.status == FORBIDDEN:
        return _forbidden_link(refusal, request, policy)
    return refusal.unexplained()


def _refused_expiry(refusal: Refusal, request: LinkRequest, policy: SharingPolicy) -> FilesError:
    limit = policy.max_expiry_days
    if limit is not None and request.expires is not None:
        return ExpiryTooFar(limit, refusal.reason)
    return ExpiryInvalid(request.expires.isoformat() if request.expires else "")


def _forbidden_link(refusal: Refusal, request: LinkRequest, policy: SharingPolicy) -> FilesError:
    if request.password is None and policy.password_enforced:
        return PasswordRequired()
    if request.expires is None and policy.max_expiry_days is not None:
        return ExpiryInvalid("")
    if request.password is not None:
        # What is left is the password_policy app's verdict, in the account's language.
        return WeakPassword(refusal.reason)
    return refusal.unexplained()


def recipient_refusal(
    refusal: Refusal, kind: ShareKind, recipient: str, policy: SharingPolicy
) -> FilesError:
    """Why POST /shares refused a user or group share (ShareAPIController::createShare 30.0.1:
    404 for an unknown account or group, a missing path, group sharing off; 403 for sharing
    off or a share with oneself)."""
    if kind is ShareKind.GROUP and policy.api_enabled and not policy.group_sharing:
        return GroupSharingDisabled(recipient)
    found = _switched_off(refusal, policy, links=False)
    if found is not None:
        return found
    if refusal.status == NOT_FOUND:
        return UnknownGroup(recipient) if kind is ShareKind.GROUP else UnknownUser(recipient)
    return refusal.unexplained()


def share_id_refusal(exc: NextcloudException, share_id: str) -> Exception:
    """GET/PUT/DELETE /shares/{id}: ShareAPIController answers 404 ("Wrong share ID, share
    does not exist") for an unknown, foreign or expired share, whatever the language."""
    if exc.status_code == NOT_FOUND:
        return ShareNotFound(share_id)
    return translate(exc, share_id)

