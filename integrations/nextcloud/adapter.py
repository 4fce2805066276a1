"""FilesPort on nc-py-api's AsyncNextcloud: one client per process, every call time-boxed.

The client, and nc-py-api with it, is created on the first Nextcloud call: importing
nc-py-api 0.30 also imports FastAPI, niquests and urllib3 (its ExApp half), about 20 MiB and
a quarter of a second that a bot whose Nextcloud nobody has used yet should not pay."""

from __future__ import annotations

import asyncio
import io
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from bot.errors import ServiceUnavailable
from bot.ports.files import (
    FilesError,
    LinkRequest,
    RemoteFile,
    RemoteNotFound,
    RemoteShare,
    ShareKind,
    SharePermission,
    SharingPolicy,
)
from integrations.nextcloud.errors import (
    SERVICE,
    Refusal,
    link_refusal,
    recipient_refusal,
    refused_by_policy,
    share_id_refusal,
    translate,
)
from integrations.nextcloud.permissions import permissions_from_nextcloud, to_nextcloud
from integrations.nextcloud.policy import read_policy
from integrations.nextcloud.settings import NextcloudSettings

if TYPE_CHECKING:
    from nc_py_api import AsyncNextcloud, NextcloudException
    from nc_py_api.files import FsNode, Share

T = TypeVar("T")
log = logging.getLogger(__name__)
TEMPLATES = "/ocs/v2.php/apps/files/api/v1/templates"
SHAREES = "/ocs/v2.php/apps/files_sharing/api/v1/sharees"
LEADING_DIGITS = re.compile(r"\d+")
# Nextcloud's share types (OCP\Share\IShare::TYPE_*, nc-py-api's ShareType IntEnum): plain
# numbers here, so that reading a share does not need nc-py-api imported.
SHARE_TYPE_USER, SHARE_TYPE_GROUP, SHARE_TYPE_LINK = 0, 1, 3
KINDS = {SHARE_TYPE_LINK: ShareKind.LINK, SHARE_TYPE_USER: ShareKind.USER,
         SHARE_TYPE_GROUP: ShareKind.GROUP}
TYPES = {kind: share_type for share_type, kind in KINDS.items()}


def _nextcloud_exception() -> type[NextcloudException]:
    """nc-py-api's error class, for the `except` clauses of calls made with its client (which
    imported it already: this is a dictionary lookup)."""
    from nc_py_api import NextcloudException  # noqa: PLC0415 - see the module's docstring

    error: type[NextcloudException] = NextcloudException
    return error


def _request_exception() -> type[Exception]:
    from niquests.exceptions import RequestException  # noqa: PLC0415 - as nc-py-api

    return RequestException


def _file_id(node: FsNode) -> int:
    """PROPFIND gives `oc:fileid`; upload/move answers only `OC-FileId` (`00000065oc…`)."""
    if node.info.fileid:
        return int(node.info.fileid)
    digits = LEADING_DIGITS.match(node.file_id or "")
    return int(digits.group()) if digits else 0


def _remote_file(node: FsNode) -> RemoteFile:
    return RemoteFile(
        path=node.user_path.rstrip("/"),
        name=node.name,
        is_dir=node.is_dir,
        size=int(node.info.size or 0),
        file_id=_file_id(node),
    )


class NextcloudFiles:
    """The bot's Nextcloud account seen through the FilesPort protocol."""

    service_label: ClassVar[str] = SERVICE

    @property
    def account(self) -> str:
        return self._account

    def __init__(self, settings: NextcloudSettings, client: AsyncNextcloud | None = None) -> None:
        if settings.url is None or settings.username is None or settings.app_password is None:
            raise ValueError("Nextcloud url, username and app_password are required")
        self._base_url = str(settings.url).rstrip("/")
        self._account = settings.username
        self._timeout = settings.request_timeout_seconds
        self._refresh_every = settings.policy_refresh_seconds
        self._chunk = settings.upload_chunk_bytes
        self._chunk_above = settings.chunked_upload_above_bytes
        self._password = settings.app_password
        self._client = client
        self._policy: SharingPolicy | None = None
        self._policy_read_at = 0.0
        self._policy_lock = asyncio.Lock()

    @property
    def client(self) -> AsyncNextcloud:
        return self._nc

    @property
    def _nc(self) -> AsyncNextcloud:
        """nc-py-api's client, made (and nc-py-api imported) on first use."""
        if self._client is None:
            from nc_py_api import AsyncNextcloud  # noqa: PLC0415 - see the module's docstring

            self._client = AsyncNextcloud(
                nextcloud_url=self._base_url,
                nc_auth_user=self._account,
                nc_auth_pass=self._password.get_secret_value(),
                npa_timeout=self._timeout,
                npa_timeout_dav=self._timeout,
            )
        return self._client

    @property
    def policy_known(self) -> bool:
        """Whether the policy was ever read: before that, nothing is cached to refresh."""
        return self._policy is not None

    async def close(self) -> None:
        if self._client is None:
            return
        # nc-py-api 0.30 gives AsyncNextcloud no close(), and its two niquests sessions hold
        # sockets: they sit on its `_session` (nextcloud.py, _AsyncNextcloudBasic), the only
        # private attribute the bot touches; if a release renames it, stopping still works.
        session = getattr(self._client, "_session", None)
        for name in ("adapter", "adapter_dav"):
            http = getattr(session, name, None)
            if http is not None:
                await http.close()

    async def _call(
        self,
        action: Callable[[], Awaitable[T]],
        subject: str = "",
        *,
        dav: bool = False,
        weight: int = 1,
    ) -> T:
        """Runs one nc-py-api call within the timeout and turns failures into port errors."""
        try:
            return await self._raw(action, weight)
        except _nextcloud_exception() as exc:
            raise translate(exc, subject, dav=dav) from exc

    async def _raw(self, action: Callable[[], Awaitable[T]], weight: int = 1) -> T:
        """One call within the timeout; Nextcloud's own refusals are left to the caller."""
        try:
            async with asyncio.timeout(self._timeout * weight):
                return await action()
        except TimeoutError as exc:
            raise ServiceUnavailable(SERVICE, "timeout") from exc
        except _request_exception() as exc:
            raise ServiceUnavailable(SERVICE, type(exc).__name__) from exc

    async def _share(
        self,
        action: Callable[[], Awaitable[Share]],
        path: str,
        explain: Callable[[Refusal, SharingPolicy], Exception],
    ) -> RemoteShare:
        """Creates a share; a refusal is explained by what no language changes: its status,
        this request, whether `path` is still there and the policy read again right now (the
        cached one may predate an admin's change, and the server's words are translated)."""
        try:
            return self._remote_share(await self._raw(action))
        except _nextcloud_exception() as exc:
            if not refused_by_policy(exc):
                raise translate(exc, path) from exc
            policy = await self.refresh_policy()
            refusal = Refusal.of(exc, path, exists=await self.stat(path) is not None)
            raise explain(refusal, policy) from exc

    # Policy ---------------------------------------------------------------------------

    async def policy(self) -> SharingPolicy:
        """The admin's policy, re-read when older than `policy_refresh_seconds`."""
        if self._policy is not None and not self._stale():
            return self._policy
        async with self._policy_lock:
            if self._policy is not None and not self._stale():
                return self._policy
            return await self._read_policy()

    def _stale(self) -> bool:
        return time.monotonic() - self._policy_read_at >= self._refresh_every

    async def refresh_policy(self) -> SharingPolicy:
        async with self._policy_lock:
            return await self._read_policy()

    async def _read_policy(self) -> SharingPolicy:
        # nc-py-api caches capabilities for the session's life (§1.2): force a new read.
        await self._call(self._nc.update_server_info)
        capabilities: dict[str, Any] = await self._call(lambda: self._nc.capabilities)
        self._policy = read_policy(capabilities, await self._office_creators())
        self._policy_read_at = time.monotonic()
        return self._policy

    async def _office_creators(self) -> list[Any]:
        """Template creators (ONLYOFFICE, Collabora); none when no office app answers."""
        try:
            creators = await self._call(lambda: self._nc.ocs("GET", TEMPLATES))
        except FilesError:  # the templates API is optional: no editor is the safe reading
            log.info("no office template creators on Nextcloud", exc_info=True)
            return []
        return creators if isinstance(creators, list) else []

    # Files ----------------------------------------------------------------------------

    async def ensure_folder(self, path: str) -> None:
        await self._call(lambda: self._nc.files.makedirs(path, exist_ok=True), path, dav=True)

    async def stat(self, path: str) -> RemoteFile | None:
        try:
            node = await self._call(lambda: self._nc.files.by_path(path), path, dav=True)
        except RemoteNotFound:
            return None
        return None if node is None else _remote_file(node)

    async def list_folder(self, path: str) -> list[RemoteFile]:
        nodes = await self._call(lambda: self._nc.files.listdir(path), path, dav=True)
        return [_remote_file(n) for n in nodes]

    async def search(self, name_like: str, under: str = "") -> list[RemoteFile]:
        nodes = await self._call(
            lambda: self._nc.files.find(["like", "name", name_like], path=under), under, dav=True
        )
        return [_remote_file(n) for n in nodes]

    async def upload(self, path: str, content: bytes) -> RemoteFile:
        if len(content) <= self._chunk_above:
            node = await self._call(lambda: self._nc.files.upload(path, content), path, dav=True)
        else:
            chunks = -(-len(content) // self._chunk)
            node = await self._call(
                lambda: self._nc.files.upload_stream(
                    path, io.BytesIO(content), chunk_size=self._chunk
                ),
                path,
                dav=True,
                weight=chunks + 2,
            )
        # An upload answer carries ids only; the size is the one just sent.
        return replace(_remote_file(node), size=len(content))

    async def move(self, source: str, target: str) -> RemoteFile:
        node = await self._call(lambda: self._nc.files.move(source, target), target, dav=True)
        return _remote_file(node)

    async def delete(self, path: str) -> None:
        await self._call(lambda: self._nc.files.delete(path), path, dav=True)

    # Shares ---------------------------------------------------------------------------

    def _remote_share(self, share: Share) -> RemoteShare:
        kind = KINDS.get(share.share_type, ShareKind.LINK)
        expiry = share.expire_date
        # nc-py-api reads a missing expiry as 1970-01-01 (§1.7).
        expires = None if expiry.year == 1970 else expiry.date()
        url = share.url or f"{self._base_url}/index.php/f/{share.file_source_id}"
        return RemoteShare(
            id=str(share.share_id),
            kind=kind,
            path=share.path,
            url=url,
            permissions=permissions_from_nextcloud(int(share.permissions)),
            expires=expires,
            recipient=None if kind is ShareKind.LINK else share.share_with,
            protected=bool(share.password),
        )

    async def create_link(self, request: LinkRequest) -> RemoteShare:
        options: dict[str, Any] = {"label": request.label}
        if request.password is not None:
            options["password"] = request.password
        if request.expires is not None:
            options["expire_date"] = request.expires
        if request.public_upload:
            options["public_upload"] = True
        return await self._share(
            lambda: self._nc.files.sharing.create(
                request.path, SHARE_TYPE_LINK, to_nextcloud(request.permissions), **options
            ),
            request.path,
            lambda refusal, policy: link_refusal(refusal, request, policy),
        )

    async def share_with(
        self,
        path: str,
        kind: ShareKind,
        recipient: str,
        permissions: SharePermission,
        label: str = "",
    ) -> RemoteShare:
        return await self._share(
            lambda: self._nc.files.sharing.create(
                path, TYPES[kind], to_nextcloud(permissions), share_with=recipient, label=label
            ),
            path,
            lambda refusal, policy: recipient_refusal(refusal, kind, recipient, policy),
        )

    async def update_share(
        self,
        share_id: str,
        *,
        permissions: SharePermission | None = None,
        password: str | None = None,
        expires: date | None = None,
        label: str | None = None,
    ) -> RemoteShare:
        changes: dict[str, Any] = {}
        if permissions is not None:
            changes["permissions"] = to_nextcloud(permissions)
        if password is not None:
            changes["password"] = password
        if expires is not None:
            changes["expire_date"] = expires
        if label is not None:
            changes["label"] = label
        try:
            share = await self._raw(
                lambda: self._nc.files.sharing.update(int(share_id), **changes)
            )
        except _nextcloud_exception() as exc:
            # A 404 may also be a refused expiry (Manager::validateExpirationDateLink), but
            # the bot never moves an expiry this way: its only 404 here is an unknown share.
            raise share_id_refusal(exc, share_id) from exc
        return self._remote_share(share)

    async def delete_share(self, share_id: str) -> None:
        try:
            await self._raw(lambda: self._nc.files.sharing.delete(int(share_id)))
        except _nextcloud_exception() as exc:
            raise share_id_refusal(exc, share_id) from exc

    async def list_shares(self, path: str = "") -> list[RemoteShare]:
        shares = await self._call(lambda: self._nc.files.sharing.get_list(path=path), path)
        return [self._remote_share(s) for s in shares]

    # Directory ------------------------------------------------------------------------

    def file_url(self, file_id: int) -> str:
        # Nextcloud's permanent link to a file id (apps/files ViewController::showFile).
        return f"{self._base_url}/index.php/f/{file_id}"

    async def _sharees(self, name: str) -> dict[str, Any]:
        params = {"search": name, "itemType": "file", "lookup": "false", "perPage": "20"}
        data = await self._call(lambda: self._nc.ocs("GET", SHAREES, params=params), name)
        exact = data.get("exact", {}) if isinstance(data, dict) else {}
        return exact if isinstance(exact, dict) else {}

    async def _exact(self, name: str, section: str) -> str | None:
        wanted = name.lower()
        for entry in (await self._sharees(name)).get(section, []):
            value = str(entry.get("value", {}).get("shareWith", ""))
            if value.lower() == wanted:
                return value
        return None

    async def find_user(self, name: str) -> str | None:
        """The Nextcloud account id with exactly this name, through the sharee search."""
        return await self._exact(name, "users")

    async def find_group(self, name: str) -> str | None:
        return await self._exact(name, "groups")
