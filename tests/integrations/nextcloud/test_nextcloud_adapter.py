"""The Nextcloud adapter drives nc-py-api against the sandbox Nextcloud 30."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.errors import ServiceUnavailable
from bot.ports.files import (
    AlreadyExists,
    ExpiryTooFar,
    ForbiddenName,
    GroupSharingDisabled,
    LinkRequest,
    LinksDisabled,
    PasswordRequired,
    PublicUploadDisabled,
    QuotaExceeded,
    RemoteNotFound,
    ShareKind,
    ShareNotFound,
    SharePermission,
    SharingDisabled,
    UnknownGroup,
    UnknownUser,
    WeakPassword,
)
from integrations.nextcloud.adapter import NextcloudFiles
from integrations.nextcloud.permissions import permissions_from_nextcloud, to_nextcloud
from integrations.nextcloud.settings import NextcloudSettings
from sandbox.nextcloud import NextcloudSandbox

BOT = "ensemble-bot"
STRONG = "Kq7#pLm2xZ9!vB4w"
READ, EDIT = SharePermission.READ, SharePermission.EDIT


@pytest.fixture
async def sandbox() -> AsyncIterator[NextcloudSandbox]:
    server = NextcloudSandbox()
    await server.start()
    yield server
    await server.stop()


def settings_for(url: str, password: str, **extra: Any) -> NextcloudSettings:
    return NextcloudSettings(
        url=url, username=BOT, app_password=SecretStr(password), **extra
    )


@pytest.fixture
async def files(sandbox: NextcloudSandbox) -> AsyncIterator[NextcloudFiles]:
    adapter = NextcloudFiles(settings_for(sandbox.url, sandbox.bot_app_password))
    yield adapter
    await adapter.close()


async def control(sandbox: NextcloudSandbox, method: str, path: str, **kwargs: Any) -> Any:
    async with aiohttp.ClientSession() as http:
        url = f"{sandbox.url}/_sandbox/{path}"
        async with http.request(method, url, **kwargs) as response:
            assert response.status < 300, await response.text()
            return await response.json()


async def test_folders_uploads_listing_search_and_move(files: NextcloudFiles) -> None:
    await files.ensure_folder("Partage/general/2026-03-02")
    await files.ensure_folder("Partage/general/2026-03-02")  # exists: no error
    uploaded = await files.upload("Partage/general/2026-03-02/été.txt", b"bonjour")
    assert uploaded.size == 7 and uploaded.file_id > 0 and uploaded.name == "été.txt"
    listed = await files.list_folder("Partage/general/2026-03-02")
    assert [(f.name, f.size, f.is_dir, f.file_id) for f in listed] == [
        ("été.txt", 7, False, uploaded.file_id)
    ]
    folder = await files.stat("Partage/general")
    assert folder is not None and folder.is_dir and folder.path == "Partage/general"
    assert await files.stat("Partage/general/absent.txt") is None
    found = await files.search("%.txt", "Partage")
    assert [f.path for f in found] == ["Partage/general/2026-03-02/été.txt"]
    moved = await files.move("Partage/general/2026-03-02/été.txt", "Partage/moved.txt")
    assert moved.file_id == uploaded.file_id and moved.path == "Partage/moved.txt"
    await files.upload("Partage/other.txt", b"x")
    with pytest.raises(AlreadyExists):
        await files.move("Partage/other.txt", "Partage/moved.txt")
    await files.delete("Partage/moved.txt")
    assert await files.stat("Partage/moved.txt") is None


async def test_large_files_go_up_in_chunks_and_arrive_whole(sandbox: NextcloudSandbox) -> None:
    adapter = NextcloudFiles(
        settings_for(sandbox.url, sandbox.bot_app_password, chunked_upload_above_bytes=1024)
    )
    content = bytes(range(256)) * (24 * 1024)  # 6 MiB: chunks of 5 MiB + 1 MiB (v2)
    try:
        node = await adapter.upload("Partage/big.bin", content)
        assert node.size == len(content)
        assert await adapter.client.files.download("Partage/big.bin") == content
    finally:
        await adapter.close()
    state = sandbox.state
    assert state.uploads == {}  # the temporary chunk collection is gone


async def test_upload_errors_are_typed(files: NextcloudFiles, sandbox: NextcloudSandbox) -> None:
    with pytest.raises(RemoteNotFound):
        await files.upload("Absent/x.txt", b"x")
    with pytest.raises(ForbiddenName):
        await files.upload("Partage/.htaccess", b"x")
    await control(sandbox, "POST", "quota", json={"user": BOT, "bytes": 4})
    with pytest.raises(QuotaExceeded):
        await files.upload("Partage/big.txt", b"too big for the quota")


async def test_link_shares_have_the_spec_shapes(
    files: NextcloudFiles, sandbox: NextcloudSandbox
) -> None:
    await files.upload("Partage/plan.txt", b"x")
    expires = datetime.now(UTC).date() + timedelta(days=5)
    share = await files.create_link(
        LinkRequest("Partage/plan.txt", READ | EDIT, STRONG, expires, label="rocketchat:x:y")
    )
    assert share.kind is ShareKind.LINK and share.protected
    assert share.url.startswith(f"{sandbox.url}/index.php/s/")
    assert len(share.url.rsplit("/", 1)[1]) == 15
    # Nextcloud adds its share bit (16) to a link's read + update (19)
    assert share.permissions == (
        READ | EDIT | SharePermission.RESHARE
    )
    assert share.expires == expires and share.path == "Partage/plan.txt"
    updated = await files.update_share(share.id, expires=expires + timedelta(days=1))
    assert updated.expires == expires + timedelta(days=1) and updated.id == share.id
    [listed] = await files.list_shares("Partage/plan.txt")
    assert listed.id == share.id and listed.protected
    await files.delete_share(share.id)
    assert await files.list_shares() == []
    with pytest.raises(ShareNotFound):
        await files.delete_share(share.id)


async def test_internal_shares_users_and_groups(files: NextcloudFiles) -> None:
    await files.upload("Partage/plan.txt", b"x")
    assert await files.find_user("marie") == "marie"
    assert await files.find_user("fantome") is None
    assert await files.find_group("equipe-projet") == "equipe-projet"
    user = await files.share_with("Partage/plan.txt", ShareKind.USER, "marie", READ)
    assert (user.kind, user.recipient, user.permissions) == (ShareKind.USER, "marie", READ)
    node = await files.stat("Partage/plan.txt")
    assert node is not None and user.url.endswith(f"/index.php/f/{node.file_id}")
    again = await files.share_with("Partage/plan.txt", ShareKind.USER, "marie", READ | EDIT)
    assert again.id == user.id  # a duplicate answers the existing share (§2.3)
    with pytest.raises(UnknownUser):
        await files.share_with("Partage/plan.txt", ShareKind.USER, "fantome", READ)
    with pytest.raises(UnknownGroup):
        await files.share_with("Partage/plan.txt", ShareKind.GROUP, "fantomes", READ)
    with pytest.raises(RemoteNotFound):
        await files.share_with("Partage/absent.txt", ShareKind.USER, "marie", READ)


async def test_policy_reads_capabilities_and_refreshes(
    files: NextcloudFiles, sandbox: NextcloudSandbox
) -> None:
    policy = await files.policy()
    assert policy.links_enabled and not policy.password_enforced
    assert policy.expiry_default_days is None and policy.max_expiry_days is None
    assert policy.office_extensions == {"md", "docx", "xlsx", "pptx"}  # Text's creator too
    assert ".part" in policy.forbidden_extensions
    await control(sandbox, "POST", "policy", json={
        "password_enforced": True, "expire_date_enabled": True, "expire_date_days": 7,
        "expire_date_enforced": True, "onlyoffice_installed": False})
    assert (await files.policy()).password_enforced is False  # still the cached read
    fresh = await files.refresh_policy()
    assert fresh.password_enforced and fresh.max_expiry_days == 7
    assert fresh.office_extensions == {"md"}


async def test_a_stale_policy_is_reread_after_the_refresh_period(
    sandbox: NextcloudSandbox,
) -> None:
    adapter = NextcloudFiles(
        settings_for(sandbox.url, sandbox.bot_app_password, policy_refresh_seconds=10)
    )
    try:
        assert not (await adapter.policy()).password_enforced
        await control(sandbox, "POST", "policy", json={"password_enforced": True})
        adapter._policy_read_at -= 11  # ten seconds went by
        assert (await adapter.policy()).password_enforced
    finally:
        await adapter.close()


@pytest.mark.parametrize(
    ("policy", "request_", "error"),
    [
        ({"password_enforced": True}, {}, PasswordRequired),
        ({}, {"password": "password"}, WeakPassword),
        ({"expire_date_enabled": True, "expire_date_days": 7, "expire_date_enforced": True},
         {"expires": datetime.now(UTC).date() + timedelta(days=30)}, ExpiryTooFar),
        ({"links_enabled": False}, {}, LinksDisabled),
        ({"api_enabled": False}, {}, SharingDisabled),
        ({"public_upload": False},
         {"path": "Partage", "permissions": SharePermission.editing(folder=True),
          "public_upload": True}, PublicUploadDisabled),
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("cached", [False, True])
async def test_link_refusals_are_typed_in_every_language(
    *,
    files: NextcloudFiles,
    sandbox: NextcloudSandbox,
    policy: dict[str, Any],
    request_: dict[str, Any],
    error: type[Exception],
    language: str,
    cached: bool,
) -> None:
    """By status, request and a fresh policy, never by the server's (translated) words, and
    also while the cached policy predates the admin's change."""
    await control(sandbox, "POST", "language", json={"user": BOT, "language": language})
    await files.upload("Partage/plan.txt", b"x")
    await files.policy()
    await control(sandbox, "POST", "policy", json=policy)
    if not cached:
        await files.refresh_policy()
    with pytest.raises(error) as raised:
        await files.create_link(LinkRequest(**{"path": "Partage/plan.txt", **request_}))
    if isinstance(raised.value, ExpiryTooFar):
        assert raised.value.max_days == 7


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_recipient_refusals_are_typed_in_every_language(
    files: NextcloudFiles, sandbox: NextcloudSandbox, language: str
) -> None:
    await control(sandbox, "POST", "language", json={"user": BOT, "language": language})
    await files.upload("Partage/plan.txt", b"x")
    with pytest.raises(UnknownUser):
        await files.share_with("Partage/plan.txt", ShareKind.USER, "fantome", READ)
    with pytest.raises(RemoteNotFound):
        await files.share_with("Partage/absent.txt", ShareKind.USER, "marie", READ)
    await files.policy()
    await control(sandbox, "POST", "policy", json={"group_sharing": False})
    with pytest.raises(GroupSharingDisabled):
        await files.share_with("Partage/plan.txt", ShareKind.GROUP, "equipe-projet", READ)
    with pytest.raises(ShareNotFound):
        await files.delete_share("313")


async def test_server_errors_and_bad_credentials_mean_unavailable(
    files: NextcloudFiles, sandbox: NextcloudSandbox
) -> None:
    await control(sandbox, "POST", "faults", json={"fail_next": 3, "error_status": 502})
    with pytest.raises(ServiceUnavailable) as down:
        await files.list_folder("Partage")
    assert down.value.service == "Nextcloud"
    wrong = NextcloudFiles(settings_for(sandbox.url, "not-the-app-password"))
    try:
        with pytest.raises(ServiceUnavailable):
            await wrong.list_folder("Partage")
    finally:
        await wrong.close()


async def test_a_server_that_does_not_answer_in_time_is_unavailable(
    unused_tcp_port: int,
) -> None:
    async def hang(_request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", hang)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", unused_tcp_port)
    await site.start()
    adapter = NextcloudFiles(settings_for(
        f"http://127.0.0.1:{unused_tcp_port}", "x" * 20, request_timeout_seconds=0.2))
    try:
        with pytest.raises(ServiceUnavailable):
            await adapter.policy()
    finally:
        await adapter.close()
        await runner.cleanup()


async def test_a_refused_connection_is_unavailable(unused_tcp_port: int) -> None:
    adapter = NextcloudFiles(settings_for(f"http://127.0.0.1:{unused_tcp_port}", "x" * 20))
    try:
        with pytest.raises(ServiceUnavailable):
            await adapter.stat("Partage")
    finally:
        await adapter.close()


def test_share_permissions_map_to_nextclouds_bits_and_back() -> None:
    every = SharePermission.READ | SharePermission.EDIT | SharePermission.ADD
    every |= SharePermission.DELETE | SharePermission.RESHARE
    assert to_nextcloud(every) == 31
    assert to_nextcloud(SharePermission.editing(folder=False)) == 3
    assert to_nextcloud(SharePermission.editing(folder=True)) == 15
    assert permissions_from_nextcloud(19) == (
        SharePermission.READ | SharePermission.EDIT | SharePermission.RESHARE
    )
    # the shares table stores the core flag's value: old rows (Nextcloud's bits) read the same
    assert SharePermission(17) == SharePermission.READ | SharePermission.RESHARE
