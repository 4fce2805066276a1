"""Behaviours a fidelity audit found missing, each checked against Nextcloud's own source."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp.test_utils import make_mocked_request
from nc_py_api import AsyncNextcloud, NextcloudException
from nc_py_api.files import ShareType

from sandbox.nextcloud import NextcloudSandbox
from sandbox.nextcloud.envelope import ocs_failure
from tests.sandbox.nextcloud.conftest import Control, NcFactory

FILES_API = "/ocs/v2.php/apps/files/api/v1"


def expire_now(sandbox: NextcloudSandbox, share_id: int) -> None:
    """Time passes: the share's expiration day is reached (no API can set a past date)."""
    today = datetime.now(UTC).date()
    sandbox.state.shares.shares[share_id].expiration = today - timedelta(days=1)


async def test_user_and_group_shares_drop_the_label(nc: AsyncNextcloud) -> None:
    await nc.files.upload("Partage/a.txt", b"a")
    user = await nc.files.sharing.create("Partage/a.txt", ShareType.TYPE_USER,
                                         share_with="marie", label="rocketchat:x")
    group = await nc.files.sharing.create("Partage/a.txt", ShareType.TYPE_GROUP,
                                          share_with="general", label="rocketchat:x")
    assert user.label == "" and group.label == ""
    await nc.files.sharing.update(user.share_id, label="again", note="n")
    reread = await nc.files.sharing.get_by_id(user.share_id)
    assert reread.label is None and reread.note == "n"
    link = await nc.files.sharing.create("Partage/a.txt", ShareType.TYPE_LINK, label="kept")
    assert (await nc.files.sharing.get_by_id(link.share_id)).label == "kept"


async def test_an_expired_share_is_gone_from_every_share_call(
    nc: AsyncNextcloud, sandbox: NextcloudSandbox
) -> None:
    await nc.files.upload("Partage/b.txt", b"b")
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    link = await nc.files.sharing.create("Partage/b.txt", ShareType.TYPE_LINK,
                                         expire_date=tomorrow)
    user = await nc.files.sharing.create("Partage/b.txt", ShareType.TYPE_USER,
                                         share_with="marie", expire_date=tomorrow)
    kept = await nc.files.sharing.create("Partage/b.txt", ShareType.TYPE_LINK)
    expire_now(sandbox, link.share_id)
    expire_now(sandbox, user.share_id)
    assert [s.share_id for s in await nc.files.sharing.get_list()] == [kept.share_id]
    for call in (nc.files.sharing.get_by_id, nc.files.sharing.delete):
        with pytest.raises(NextcloudException) as gone:
            await call(link.share_id)
        assert gone.value.status_code == 404
        assert gone.value.reason == "Wrong share ID, share does not exist"
    with pytest.raises(NextcloudException) as update:
        await nc.files.sharing.update(user.share_id, note="late")
    assert update.value.status_code == 404
    assert set(sandbox.state.shares.shares) == {kept.share_id}


async def test_opening_an_expired_link_deletes_it(
    nc: AsyncNextcloud, sandbox: NextcloudSandbox, http: aiohttp.ClientSession
) -> None:
    await nc.files.upload("Partage/c.txt", b"c")
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    link = await nc.files.sharing.create("Partage/c.txt", ShareType.TYPE_LINK,
                                         expire_date=tomorrow)
    expire_now(sandbox, link.share_id)
    async with http.get(link.url, allow_redirects=False) as page:
        assert page.status == 404
    assert link.share_id not in sandbox.state.shares.shares  # getShareByToken → checkShare


async def test_direct_editing_always_has_the_text_editor(
    make_nc: NcFactory, control: Control
) -> None:
    nc = make_nc()
    with_office = await nc.ocs("GET", f"{FILES_API}/directEditing")
    assert set(with_office["editors"]) == {"text", "onlyoffice"}
    assert {"textdocument", "onlyoffice_docx"} <= set(with_office["creators"])
    await control("POST", "policy", json={"onlyoffice_installed": False})
    info = await make_nc().ocs("GET", f"{FILES_API}/directEditing")
    assert set(info["editors"]) == {"text"}
    assert info["creators"] == {"textdocument": {
        "id": "textdocument", "editor": "text", "name": "text document", "extension": "md",
        "templates": False, "mimetype": "text/markdown"}}
    created = await make_nc().ocs("POST", f"{FILES_API}/directEditing/create",
                                  json={"path": "/Partage/notes.md", "editorId": "text",
                                        "creatorId": "textdocument"})
    assert "/index.php/apps/files/directEditing/" in created["url"]


async def test_a_folder_link_cannot_gain_write_while_public_upload_is_off(
    nc: AsyncNextcloud, control: Control
) -> None:
    share = await nc.files.sharing.create("Partage", ShareType.TYPE_LINK, permissions=1)
    await control("POST", "policy", json={"public_upload": False})
    with pytest.raises(NextcloudException) as refused:
        await nc.files.sharing.update(share.share_id, permissions=3, note="edit")
    assert refused.value.status_code == 400
    assert refused.value.reason == "Public upload is not allowed"
    after = await nc.files.sharing.get_by_id(share.share_id)
    assert after.permissions == 17 and after.note == ""


async def test_path_components_are_normalised_to_nfc(nc: AsyncNextcloud) -> None:
    decomposed = unicodedata.normalize("NFD", "Partage/Réunion été.txt")
    await nc.files.upload(decomposed, b"x")
    found = await nc.files.by_path("Partage/Réunion été.txt")
    assert found.name == "Réunion été.txt"
    await nc.files.upload("Partage/Réunion été.txt", b"y")
    names = [n.name for n in await nc.files.listdir("Partage")]
    assert names == ["Réunion été.txt"]


async def test_overwrite_near_quota_needs_room_for_the_whole_upload(
    nc: AsyncNextcloud, control: Control
) -> None:
    await control("POST", "quota", json={"user": "ensemble-bot", "bytes": 100})
    await nc.files.upload("Partage/q.bin", b"1" * 60)
    with pytest.raises(NextcloudException) as put:
        await nc.files.upload("Partage/q.bin", b"2" * 60)
    assert put.value.status_code == 507
    with pytest.raises(NextcloudException) as chunked:
        await nc.files.upload_stream("Partage/q.bin", io.BytesIO(b"3" * 60), chunk_size=16)
    assert chunked.value.status_code == 507
    await nc.files.upload("Partage/q.bin", b"4" * 40)  # 40 bytes still fit in the 40 free
    assert await nc.files.download("Partage/q.bin") == b"4" * 40


async def test_a_chunked_upload_into_a_missing_folder_ends_in_409(nc: AsyncNextcloud) -> None:
    with pytest.raises(NextcloudException) as missing:
        await nc.files.upload_stream("Nulle-part/x.bin", io.BytesIO(b"z" * 40), chunk_size=16)
    assert missing.value.status_code == 409


@pytest.mark.parametrize(("code", "status"), [
    (997, 401), (998, 404), (996, 500), (999, 500), (150, 400), (601, 400), (403, 403),
])
def test_ocs_v2_maps_ocs_codes_to_http_statuses(code: int, status: int) -> None:
    request = make_mocked_request("GET", "/ocs/v2.php/apps/x?format=json")
    assert ocs_failure(request, code, "m").status == status
    v1 = make_mocked_request("GET", "/ocs/v1.php/apps/x?format=json")
    assert ocs_failure(v1, code, "m").status == 200


async def test_enforced_expiry_days_are_counted_in_the_accounts_zone(
    nc: AsyncNextcloud, control: Control
) -> None:
    """DateTimeZone::getTimeZone: the account's `core.timezone`, else `default_timezone`."""
    await nc.files.upload("Partage/z.txt", b"z")
    await control("POST", "policy", json={
        "expire_date_enabled": True, "expire_date_days": 7, "expire_date_enforced": True})
    # UTC+14 is a day or two ahead of UTC-12, whatever the hour.
    ahead = datetime.now(ZoneInfo("Pacific/Kiritimati")).date() + timedelta(days=7)
    behind = datetime.now(ZoneInfo("Etc/GMT+12")).date() + timedelta(days=7)
    await control("POST", "timezone", json={"timezone": "Etc/GMT+12"})
    with pytest.raises(NextcloudException) as too_far:
        await nc.files.sharing.create("Partage/z.txt", ShareType.TYPE_LINK, expire_date=ahead)
    assert too_far.value.status_code == 404
    assert too_far.value.reason == "Cannot set expiration date more than 7 days in the future"
    kept = await nc.files.sharing.create("Partage/z.txt", ShareType.TYPE_LINK,
                                         expire_date=behind)
    assert kept.expire_date.date() == behind
    await control("POST", "timezone", json={"user": "ensemble-bot",
                                            "timezone": "Pacific/Kiritimati"})
    link = await nc.files.sharing.create("Partage/z.txt", ShareType.TYPE_LINK, expire_date=ahead)
    assert link.expire_date.date() == ahead
