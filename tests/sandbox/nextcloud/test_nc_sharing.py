"""Share API through nc-py-api: normalisation, policy, errors."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from nc_py_api import AsyncNextcloud, NextcloudException, NextcloudMissingCapabilities
from nc_py_api.files import FilePermissions, ShareType

from tests.sandbox.nextcloud.conftest import Control, NcFactory

LINK = ShareType.TYPE_LINK
USER = ShareType.TYPE_USER
GROUP = ShareType.TYPE_GROUP


def in_days(days: int) -> date:
    return datetime.now(UTC).date() + timedelta(days=days)


@pytest.fixture
async def doc(nc: AsyncNextcloud) -> str:
    await nc.files.upload("Partage/rapport.txt", b"contenu")
    return "Partage/rapport.txt"


async def test_default_capabilities_match_a_fresh_nextcloud_30(nc: AsyncNextcloud) -> None:
    caps = await nc.capabilities
    sharing = caps["files_sharing"]
    assert sharing["api_enabled"] is True
    assert sharing["public"]["enabled"] is True
    assert sharing["public"]["password"]["enforced"] is False
    assert sharing["public"]["expire_date"] == {"enabled": False}  # no days/enforced keys
    assert sharing["public"]["upload"] is True
    assert caps["password_policy"]["minLength"] == 10
    assert (await nc.srv_version)["major"] == 30


async def test_policy_switches_show_in_capabilities(make_nc: NcFactory, control: Control) -> None:
    await control("POST", "policy", json={"password_enforced": True, "expire_date_enabled": True,
                                          "expire_date_days": 7, "expire_date_enforced": True,
                                          "public_upload": False, "resharing": False})
    public = (await make_nc().capabilities)["files_sharing"]["public"]
    assert public["password"]["enforced"] is True
    assert public["expire_date"] == {"enabled": True, "days": 7, "enforced": True}
    assert public["upload"] is False


async def test_read_only_link_on_a_file_comes_back_as_17(nc: AsyncNextcloud, doc: str) -> None:
    share = await nc.files.sharing.create(doc, LINK, label="rocketchat:general:marie")
    assert share.permissions == 17
    assert re.fullmatch(r"[A-Za-z0-9]{15}", share.token)
    assert share.url.endswith(f"/index.php/s/{share.token}")
    assert share.path == doc
    assert share.share_owner == "ensemble-bot"
    assert share.label == "rocketchat:general:marie"
    assert share.expire_date.year == 1970  # null expiration
    assert not share.password


async def test_edit_link_comes_back_as_19(nc: AsyncNextcloud, doc: str) -> None:
    share = await nc.files.sharing.create(doc, LINK, permissions=FilePermissions(3))
    assert share.permissions == 19


async def test_password_is_returned_as_a_hash_only(nc: AsyncNextcloud, doc: str,
                                                  control: Control) -> None:
    share = await nc.files.sharing.create(doc, LINK, password="Tr3s-Secret-Pw")
    assert share.password.startswith("3|$argon2id$")
    assert "Tr3s-Secret-Pw" not in share.password
    assert share.share_with == share.password
    checked = await control("POST", f"shares/{share.share_id}/check-password",
                            json={"password": "Tr3s-Secret-Pw"})
    assert checked == {"protected": True, "match": True}


async def test_expiry_is_a_date_at_midnight(nc: AsyncNextcloud, doc: str) -> None:
    share = await nc.files.sharing.create(doc, LINK, expire_date=in_days(3))
    assert share.expire_date.date() == in_days(3)
    assert (share.expire_date.hour, share.expire_date.minute) == (0, 0)


async def test_datetime_expiry_as_nc_py_api_sends_it_is_accepted(nc: AsyncNextcloud,
                                                                 doc: str) -> None:
    when = datetime.now() + timedelta(days=2)  # noqa: DTZ005 - nc-py-api sends naive isoformat
    share = await nc.files.sharing.create(doc, LINK, expire_date=when)
    assert share.expire_date.date() == when.date()


async def test_default_expiry_applies_when_none_is_sent(make_nc: NcFactory, doc: str,
                                                       control: Control) -> None:
    await control("POST", "policy", json={"expire_date_enabled": True, "expire_date_days": 7})
    share = await make_nc().files.sharing.create(doc, LINK)
    assert share.expire_date.date() == in_days(7)


@pytest.mark.parametrize(
    "case",
    [
        ({"password_enforced": True}, {}, 403, "Passwords are enforced for link and mail shares"),
        ({}, {"password": "password"}, 403,
         "Password is among the 1,000,000 most common ones. Please make it unique. "
         "Password needs to be at least 10 characters long."),
        ({"expire_date_enabled": True, "expire_date_days": 7, "expire_date_enforced": True},
         {"expire_date": in_days(30)}, 404,
         "Cannot set expiration date more than 7 days in the future"),
        ({}, {"expire_date": in_days(-1)}, 404, "Expiration date is in the past"),
        ({"links_enabled": False}, {}, 404,
         "Public link sharing is disabled by the administrator"),
    ],
)
async def test_link_policy_errors_carry_the_server_message(
    make_nc: NcFactory, doc: str, control: Control,
    case: tuple[dict[str, object], dict[str, object], int, str],
) -> None:
    switches, kwargs, code, message = case
    if switches:
        await control("POST", "policy", json=switches)
    with pytest.raises(NextcloudException) as err:
        await make_nc().files.sharing.create(doc, LINK, **kwargs)
    assert (err.value.status_code, err.value.reason) == (code, message)


async def test_public_upload_folder_link_is_31(nc: AsyncNextcloud) -> None:
    await nc.files.mkdir("Depot")
    share = await nc.files.sharing.create("Depot", LINK, public_upload=True)
    assert share.permissions == 31


async def test_public_upload_on_a_file_is_refused(nc: AsyncNextcloud, doc: str) -> None:
    with pytest.raises(NextcloudException) as err:
        await nc.files.sharing.create(doc, LINK, public_upload=True)
    assert err.value.status_code == 404
    assert err.value.reason == "Public upload is only possible for publicly shared folders"


async def test_public_upload_disabled_by_admin(make_nc: NcFactory, control: Control) -> None:
    await control("POST", "policy", json={"public_upload": False})
    nc = make_nc()
    await nc.files.mkdir("Depot")
    with pytest.raises(NextcloudException) as err:
        await nc.files.sharing.create("Depot", LINK, public_upload=True)
    assert (err.value.status_code, err.value.reason) == (
        403, "Public upload disabled by the administrator")


async def test_sharing_api_disabled_fails_before_any_request(make_nc: NcFactory,
                                                             control: Control) -> None:
    await control("POST", "policy", json={"api_enabled": False})
    nc = make_nc()
    with pytest.raises(NextcloudMissingCapabilities):
        await nc.files.sharing.get_list()
    assert (await nc.capabilities)["files_sharing"]["public"] == {"enabled": False}


async def test_user_share_defaults_to_all_permissions_minus_file_bits(nc: AsyncNextcloud,
                                                                      doc: str) -> None:
    share = await nc.files.sharing.create(doc, USER, share_with="marie")
    assert share.share_with == "marie"
    assert share.permissions == 19  # 31 without create/delete on a file
    assert share.token == "" and share.url == ""


async def test_group_share_on_a_folder_is_31(nc: AsyncNextcloud) -> None:
    await nc.files.mkdir("Equipe")
    share = await nc.files.sharing.create("Equipe", GROUP, share_with="equipe-projet")
    assert share.permissions == 31
    assert share.share_with == "equipe-projet"


async def test_same_internal_share_twice_returns_the_existing_one(nc: AsyncNextcloud,
                                                                  doc: str) -> None:
    first = await nc.files.sharing.create(doc, USER, share_with="jean",
                                          permissions=FilePermissions(1))
    again = await nc.files.sharing.create(doc, USER, share_with="jean",
                                          permissions=FilePermissions(19))
    assert again.share_id == first.share_id
    assert again.permissions == 1


@pytest.mark.parametrize(
    "case",
    [
        (USER, "inconnu", 404, "Please specify a valid account to share with"),
        (GROUP, "nulle-part", 404, "Please specify a valid group"),
        (USER, "ensemble-bot", 403, "Cannot share with yourself"),
    ],
)
async def test_bad_recipients_are_named_in_the_error(
    nc: AsyncNextcloud, doc: str, case: tuple[ShareType, str, int, str]
) -> None:
    share_type, who, code, message = case
    with pytest.raises(NextcloudException) as err:
        await nc.files.sharing.create(doc, share_type, share_with=who)
    assert (err.value.status_code, err.value.reason) == (code, message)


async def test_missing_path_is_404(nc: AsyncNextcloud) -> None:
    with pytest.raises(NextcloudException) as err:
        await nc.files.sharing.create("Partage/absent.txt", LINK)
    assert err.value.reason == "Wrong path, file/folder does not exist"


async def test_get_by_id_list_and_path_filter(nc: AsyncNextcloud, doc: str) -> None:
    await nc.files.upload("Partage/autre.txt", b"x")
    link = await nc.files.sharing.create(doc, LINK)
    await nc.files.sharing.create("Partage/autre.txt", USER, share_with="luc")
    assert (await nc.files.sharing.get_by_id(link.share_id)).token == link.token
    assert len(await nc.files.sharing.get_list()) == 2
    only_doc = await nc.files.sharing.get_list(path=doc)
    assert [s.share_id for s in only_doc] == [link.share_id]
    in_folder = await nc.files.sharing.get_list(path="Partage", subfiles=True)
    assert len(in_folder) == 2


async def test_list_filters_report_missing_path_and_non_folder(nc: AsyncNextcloud,
                                                               doc: str) -> None:
    with pytest.raises(NextcloudException) as missing:
        await nc.files.sharing.get_list(path="Partage/absent")
    assert missing.value.status_code == 404
    with pytest.raises(NextcloudException) as not_dir:
        await nc.files.sharing.get_list(path=doc, subfiles=True)
    assert (not_dir.value.status_code, not_dir.value.reason) == (400, "Not a directory")


async def test_recipient_sees_the_share_as_shared_with_me(make_nc: NcFactory, doc: str) -> None:
    bot = make_nc()
    await bot.files.sharing.create(doc, GROUP, share_with="equipe-projet")
    sophie = make_nc("sophie", "sophie-sandbox-password")
    received = await sophie.files.sharing.get_list(shared_with_me=True)
    # the recipient sees it at its mount point in their own root
    assert [(s.path, s.share_owner) for s in received] == [("rapport.txt", "ensemble-bot")]


async def test_update_several_fields_at_once(nc: AsyncNextcloud, doc: str) -> None:
    share = await nc.files.sharing.create(doc, LINK)
    updated = await nc.files.sharing.update(share, password="Nouveau-Pass-42",
                                            expire_date=in_days(5), label="nouveau",
                                            permissions=FilePermissions(3))
    assert updated.password.startswith("3|$argon2id$")
    assert updated.expire_date.date() == in_days(5)
    assert updated.label == "nouveau"
    assert updated.permissions == 19


async def test_update_with_empty_password_and_expiry_clears_them(nc: AsyncNextcloud,
                                                                 doc: str) -> None:
    share = await nc.files.sharing.create(doc, LINK, password="Encore-Un-Pw-9",
                                          expire_date=in_days(3))
    cleared = await nc.files.sharing.update(share, password="")
    assert not cleared.password
    # nc-py-api cannot send expireDate="" (it calls isoformat()), so use the raw OCS call.
    await nc.ocs("PUT", f"/ocs/v1.php/apps/files_sharing/api/v1/shares/{share.share_id}",
                 params={"expireDate": ""})
    assert (await nc.files.sharing.get_by_id(share.share_id)).expire_date.year == 1970


async def test_raising_permissions_beyond_the_file_is_refused(nc: AsyncNextcloud,
                                                              doc: str) -> None:
    share = await nc.files.sharing.create(doc, USER, share_with="alice",
                                          permissions=FilePermissions(1))
    with pytest.raises(NextcloudException) as err:
        await nc.files.sharing.update(share, permissions=FilePermissions(31))
    assert (err.value.status_code, err.value.reason) == (
        404, "Cannot increase permissions of /Partage/rapport.txt")


async def test_delete_then_unknown_id(nc: AsyncNextcloud, doc: str) -> None:
    share = await nc.files.sharing.create(doc, LINK)
    await nc.files.sharing.delete(share)
    with pytest.raises(NextcloudException) as err:
        await nc.files.sharing.get_by_id(share.share_id)
    assert (err.value.status_code, err.value.reason) == (
        404, "Wrong share ID, share does not exist")
    with pytest.raises(NextcloudException):
        await nc.files.sharing.delete(share)


async def test_moving_a_file_keeps_its_shares_and_deleting_drops_them(nc: AsyncNextcloud,
                                                                      doc: str) -> None:
    share = await nc.files.sharing.create(doc, LINK)
    await nc.files.move(doc, "Partage/renomme.txt")
    moved = await nc.files.sharing.get_by_id(share.share_id)
    assert (moved.token, moved.path) == (share.token, "Partage/renomme.txt")
    await nc.files.delete("Partage/renomme.txt")
    with pytest.raises(NextcloudException):
        await nc.files.sharing.get_by_id(share.share_id)
