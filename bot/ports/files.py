"""The file server as the core sees it: folders, uploads, shares and the admin's policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Flag, StrEnum
from typing import ClassVar, Protocol

from bot.errors import UserFacingError
from bot.i18n import N_, Nn_, Plural
from bot.services import ServiceKey


class SharePermission(Flag):
    """What a share lets its holders do, in the bot's words (the file adapter maps them to its
    server's). The values are stored with each share: they never change meaning."""

    READ = 1
    EDIT = 2  # change the content of the shared file, or of the files in a shared folder
    ADD = 4  # put new files into a shared folder
    DELETE = 8
    RESHARE = 16

    @classmethod
    def editing(cls, folder: bool) -> SharePermission:
        """Everything but resharing: for a folder, adding and deleting files too."""
        return cls.READ | cls.EDIT | cls.ADD | cls.DELETE if folder else cls.READ | cls.EDIT


class ShareKind(StrEnum):
    LINK = "link"
    USER = "user"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class RemoteFile:
    path: str
    name: str
    is_dir: bool
    size: int
    file_id: int


@dataclass(frozen=True, slots=True)
class RemoteShare:
    id: str
    kind: ShareKind
    path: str
    url: str
    permissions: SharePermission
    expires: date | None = None
    recipient: str | None = None
    protected: bool = False


@dataclass(frozen=True, slots=True)
class SharingPolicy:
    """What the server's administrator allows, as read from its capabilities."""

    api_enabled: bool = True
    links_enabled: bool = True
    password_enforced: bool = False
    expiry_default_days: int | None = None
    expiry_enforced: bool = False
    public_upload: bool = True
    group_sharing: bool = True
    password_min_length: int = 10
    password_needs_digit: bool = False
    password_needs_special: bool = False
    password_needs_mixed_case: bool = False
    forbidden_names: frozenset[str] = frozenset()
    forbidden_characters: frozenset[str] = frozenset()
    forbidden_extensions: tuple[str, ...] = ()
    office_extensions: frozenset[str] = field(default_factory=frozenset)

    @property
    def max_expiry_days(self) -> int | None:
        """The longest expiry the server accepts for a link, None when it does not care."""
        return self.expiry_default_days if self.expiry_enforced else None


@dataclass(frozen=True, slots=True)
class LinkRequest:
    path: str
    permissions: SharePermission = SharePermission.READ
    password: str | None = None
    expires: date | None = None
    public_upload: bool = False
    label: str = ""


class FilesError(UserFacingError):
    """A refusal of the file server the user can act on; each subclass carries the sentence
    that explains it (rendered in the user's language by the error reply), with `detail` (the
    path, the name, or the server's own words) as its parameter."""

    MESSAGE: ClassVar[str | Plural] = N_("Nextcloud refused: {detail}")

    def __init__(self, detail: str = "") -> None:
        super().__init__(self.MESSAGE, detail=detail)
        self.detail = detail

    def __str__(self) -> str:
        return self.detail


class RemoteNotFound(FilesError):
    MESSAGE = N_("There is no {detail} in Nextcloud.")


class UnknownUser(FilesError):
    MESSAGE = N_("Nextcloud has no account named {detail}.")


class UnknownGroup(FilesError):
    MESSAGE = N_("Nextcloud has no group named {detail}.")


class PasswordRequired(FilesError):
    MESSAGE = N_("Nextcloud requires a password on public links.")


class WeakPassword(FilesError):
    MESSAGE = N_("Nextcloud refused the password: {detail}")


class ExpiryTooFar(FilesError):
    MESSAGE = Nn_("Nextcloud allows links for {count} day at most.",
                  "Nextcloud allows links for {count} days at most.")

    def __init__(self, max_days: int, detail: str = "") -> None:
        super().__init__(detail)
        self.max_days = max_days
        self.params["count"] = max_days


class ExpiryInvalid(FilesError):
    """In the past, unreadable, or missing while enforced."""

    MESSAGE = N_("Nextcloud refused the expiry date: {detail}")


class QuotaExceeded(FilesError):
    MESSAGE = N_(
        "The bot's Nextcloud storage is full: ask an administrator to free space or raise "
        "its quota."
    )


class SharingDisabled(FilesError):
    MESSAGE = N_("Sharing is turned off on Nextcloud by its administrator.")


class LinksDisabled(FilesError):
    MESSAGE = N_(
        "Public links are turned off on Nextcloud by its administrator; share with people "
        "or groups with --avec instead."
    )


class PublicUploadDisabled(FilesError):
    MESSAGE = N_("Nextcloud does not allow editing through public links here.")


class GroupSharingDisabled(FilesError):
    MESSAGE = N_("Sharing with groups is turned off on Nextcloud.")


class ForbiddenName(FilesError):
    MESSAGE = N_("Nextcloud does not accept a file named {detail}.")


class AlreadyExists(FilesError):
    MESSAGE = N_("{detail} already exists in Nextcloud.")


class ShareNotFound(FilesError):
    MESSAGE = N_("This share no longer exists in Nextcloud.")


class Refused(FilesError):
    """Any other refusal; `detail` holds the server's own words."""


class FilesPort(Protocol):
    """What the bot needs from the file server (Nextcloud). Paths are relative to the bot's
    home; every method raises a FilesError subclass or ServiceUnavailable."""

    service_label: ClassVar[str] = "Nextcloud"

    @property
    def account(self) -> str:
        """The bot's own account on the file server, which a share must never name."""
        ...

    async def policy(self) -> SharingPolicy: ...

    async def refresh_policy(self) -> SharingPolicy: ...

    async def ensure_folder(self, path: str) -> None: ...

    async def stat(self, path: str) -> RemoteFile | None: ...


    async def search(self, name_like: str, under: str = "") -> list[RemoteFile]: ...

    async def upload(self, path: str, content: bytes) -> RemoteFile: ...


    async def delete(self, path: str) -> None: ...

    async def create_link(self, request: LinkRequest) -> RemoteShare: ...

    async def share_with(
        self,
        path: str,
        kind: ShareKind,
        recipient: str,
        permissions: SharePermission,
        label: str = "",
    ) -> RemoteShare: ...


    async def update_share(
        self,
        share_id: str,
        *,
        permissions: SharePermission | None = None,
        password: str | None = None,
        expires: date | None = None,
        label: str | None = None,
    ) -> RemoteShare:
        """Changes what an existing share allows (read-only at a crisis cell's closing)."""
        ...

    async def delete_share(self, share_id: str) -> None: ...


    async def list_shares(self, path: str = "") -> list[RemoteShare]:
        """The bot's shares of that path (all of them without one)."""
        ...

    def file_url(self, file_id: int) -> str:
        """Where a person with access opens the file or folder in the web interface."""
        ...

    async def find_user(self, name: str) -> str | None: ...

    async def find_group(self, name: str) -> str | None: ...


FILES_PORT = ServiceKey[FilesPort]("Nextcloud")
