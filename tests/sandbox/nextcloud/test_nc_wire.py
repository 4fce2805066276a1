"""Raw HTTP: status codes, headers and bodies exactly as Nextcloud 30 sends them."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import xmltodict  # type: ignore[import-untyped]  # nc-py-api's own XML parser; no stubs
from multidict import CIMultiDict

from sandbox.nextcloud import NextcloudSandbox
from tests.sandbox.nextcloud.conftest import basic_auth

OCS = {"OCS-APIRequest": "true"}
SHARES = "/ocs/{v}.php/apps/files_sharing/api/v1/shares"


async def fetch(http: aiohttp.ClientSession, method: str, url: str, *,
                auth: dict[str, str] | None = None, headers: dict[str, str] | None = None,
                **kwargs: Any) -> tuple[int, CIMultiDict[str], str]:
    merged = {**(headers or {}), **(auth or {})}
    async with http.request(method, url, headers=merged, **kwargs) as resp:
        return resp.status, CIMultiDict(resp.headers), await resp.text()


async def test_bad_credentials_get_xml_997_even_when_json_is_asked(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession
) -> None:
    status, headers, body = await fetch(
        http, "GET", f"{sandbox.url}/ocs/v1.php/cloud/user?format=json", headers=OCS,
        auth=basic_auth("ensemble-bot", "wrong"))
    assert status == 401
    assert headers["Content-Type"].startswith("application/xml")
    meta = xmltodict.parse(body)["ocs"]["meta"]
    assert (meta["statuscode"], meta["message"]) == ("997", "Unauthorised")


async def test_missing_ocs_header_is_a_412_csrf_failure(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    status, _, body = await fetch(http, "GET", f"{sandbox.url}/ocs/v1.php/cloud/user",
                                  auth=bot_auth)
    assert status == 412
    assert json.loads(body) == {"message": "CSRF check failed"}


async def test_capabilities_are_public_and_current_user_is_not(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession
) -> None:
    caps, _, _ = await fetch(http, "GET",
                             f"{sandbox.url}/ocs/v2.php/cloud/capabilities?format=json",
                             headers=OCS)
    user, _, _ = await fetch(http, "GET", f"{sandbox.url}/ocs/v2.php/cloud/user?format=json",
                             headers=OCS)
    assert (caps, user) == (200, 401)


async def test_v1_and_v2_success_envelopes(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    for version, code, keys in (("v1", 100, 5), ("v2", 200, 3)):
        status, _, body = await fetch(
            http, "GET", f"{sandbox.url}/ocs/{version}.php/cloud/user?format=json",
            headers=OCS, auth=bot_auth)
        ocs = json.loads(body)["ocs"]
        assert status == 200
        assert ocs["meta"]["statuscode"] == code and len(ocs["meta"]) == keys
        assert ocs["data"]["id"] == "ensemble-bot"
        assert ocs["data"]["display-name"] == "Ensemble Bot"


async def test_share_failure_is_http_200_on_v1_and_http_404_on_v2(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    params = {"path": "absent.txt", "shareType": "3", "format": "json"}
    v1 = await fetch(http, "POST", sandbox.url + SHARES.format(v="v1"), params=params,
                     headers=OCS, auth=bot_auth)
    v2 = await fetch(http, "POST", sandbox.url + SHARES.format(v="v2"), params=params,
                     headers=OCS, auth=bot_auth)
    assert (v1[0], v2[0]) == (200, 404)
    for _, _, body in (v1, v2):
        ocs = json.loads(body)["ocs"]
        assert ocs["meta"]["status"] == "failure"
        assert ocs["meta"]["statuscode"] == 404
        assert ocs["meta"]["message"] == "Wrong path, file/folder does not exist"
        assert ocs["data"] == []


async def test_xml_envelope_without_format_json(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    status, _, body = await fetch(http, "GET", f"{sandbox.url}/ocs/v1.php/cloud/user",
                                  headers=OCS, auth=bot_auth)
    ocs = xmltodict.parse(body)["ocs"]
    assert status == 200
    assert ocs["meta"]["status"] == "ok" and ocs["meta"]["statuscode"] == "100"
    assert ocs["data"]["id"] == "ensemble-bot"


async def test_share_params_in_a_json_body_and_shape_of_a_user_share(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    sandbox.state.tree.write("ensemble-bot", "Partage/x.txt", b"x")
    status, _, body = await fetch(
        http, "POST", sandbox.url + SHARES.format(v="v2") + "?format=json", headers=OCS,
        auth=bot_auth, json={"path": "/Partage/x.txt", "shareType": 0, "shareWith": "marie"})
    data = json.loads(body)["ocs"]["data"]
    assert status == 200
    assert isinstance(data["id"], str) and isinstance(data["permissions"], int)
    assert data["share_with_displayname"] == "Marie Curie"
    assert data["share_with_displayname_unique"] == "marie@example.org"
    assert data["path"] == "/Partage/x.txt" and data["item_type"] == "file"
    assert data["file_target"] == "/x.txt" and data["token"] is None
    assert "url" not in data and "password" not in data
    # read back from the "database", an empty label is null for user shares [run]
    _, _, again = await fetch(http, "GET",
                              sandbox.url + SHARES.format(v="v1") + f"/{data['id']}",
                              params={"format": "json"}, headers=OCS, auth=bot_auth)
    listed = json.loads(again)["ocs"]["data"]
    assert isinstance(listed, list) and listed[0]["label"] is None


async def test_json_escapes_slashes_like_php(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    sandbox.state.tree.write("ensemble-bot", "Partage/y.txt", b"y")
    _, _, body = await fetch(http, "POST", sandbox.url + SHARES.format(v="v1"),
                             params={"path": "Partage/y.txt", "shareType": "3",
                                     "format": "json"}, headers=OCS, auth=bot_auth)
    assert "\\/index.php\\/s\\/" in body


PROPFIND_BODY = (
    "<?xml version='1.0' encoding='us-ascii'?>\n<d:propfind xmlns:d=\"DAV:\" "
    'xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:prop>'
    "<d:getetag /><oc:fileid /><oc:id /><oc:share-types /><d:getcontenttype />"
    "<oc:checksums /></d:prop></d:propfind>"
)


async def test_propfind_uses_literal_prefixes_encoded_hrefs_and_404_propstat(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    tree = sandbox.state.tree
    tree.write("ensemble-bot", "Partage/été.txt", b"x")
    node = tree.get("ensemble-bot", "Partage/été.txt")
    assert node is not None
    sandbox.state.shares.create(sandbox.state.directory.accounts["ensemble-bot"],
                                {"path": "Partage/été.txt", "shareType": "3"})
    status, headers, body = await fetch(
        http, "PROPFIND", f"{sandbox.url}/remote.php/dav/files/ensemble-bot/Partage",
        data=PROPFIND_BODY, headers={"Depth": "1", "Content-Type": "text/plain; charset=utf-8"},
        auth=bot_auth)
    assert status == 207
    assert headers["Content-Type"].startswith("application/xml")
    assert '<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"' in body
    responses = xmltodict.parse(body)["d:multistatus"]["d:response"]
    hrefs = [r["d:href"] for r in responses]
    assert hrefs == ["/remote.php/dav/files/ensemble-bot/Partage/",
                     "/remote.php/dav/files/ensemble-bot/Partage/%c3%a9t%c3%a9.txt"]
    ok, missing = responses[1]["d:propstat"]
    assert ok["d:status"] == "HTTP/1.1 200 OK"
    assert ok["d:prop"]["oc:id"] == f"{node.fileid:08d}ocs4ndb0x0nc"
    assert ok["d:prop"]["d:getetag"] == f'"{node.etag}"'
    assert ok["d:prop"]["oc:share-types"] == {"oc:share-type": "3"}
    assert missing["d:status"] == "HTTP/1.1 404 Not Found"
    assert "oc:checksums" in missing["d:prop"]
    folder_missing = responses[0]["d:propstat"][1]["d:prop"]
    assert "d:getcontenttype" in folder_missing  # folders have no content type


async def test_put_headers_and_status_codes(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    url = f"{sandbox.url}/remote.php/dav/files/ensemble-bot/Partage/n.txt"
    created = await fetch(http, "PUT", url, data=b"1", auth=bot_auth)
    replaced = await fetch(http, "PUT", url, data=b"22", auth=bot_auth)
    assert (created[0], replaced[0]) == (201, 204)
    for _, headers, _ in (created, replaced):
        assert headers["OC-FileId"].endswith("ocs4ndb0x0nc")
        assert headers["OC-ETag"] == headers["ETag"]
        assert headers["ETag"].startswith('"')
    assert created[1]["OC-FileId"] == replaced[1]["OC-FileId"]


async def test_missing_file_gets_a_sabre_error_body(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    status, _, body = await fetch(
        http, "GET", f"{sandbox.url}/remote.php/dav/files/ensemble-bot/absent.txt",
        auth=bot_auth)
    error = xmltodict.parse(body)["d:error"]
    assert status == 404
    assert error["s:exception"] == "Sabre\\DAV\\Exception\\NotFound"
    assert error["s:message"] == "Internal Server Error"  # debug off, as on NC 30 [run]


async def test_dav_without_credentials_is_401_with_basic_challenge(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession
) -> None:
    status, headers, _ = await fetch(
        http, "PROPFIND", f"{sandbox.url}/remote.php/dav/files/ensemble-bot/")
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Basic")


async def test_other_users_files_are_not_reachable(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    status, _, _ = await fetch(
        http, "GET",
        f"{sandbox.url}/remote.php/dav/files/marie/Documents/compte-rendu.md", auth=bot_auth)
    assert status == 404


async def test_chunk_folder_is_gone_after_assembly(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    base = f"{sandbox.url}/remote.php/dav"
    dest = {"Destination": f"{base}/files/ensemble-bot/Partage/assemble.bin"}
    upload = f"{base}/uploads/ensemble-bot/nc-py-api-test"
    assert (await fetch(http, "MKCOL", upload, headers=dest, auth=bot_auth))[0] == 201
    await fetch(http, "PUT", f"{upload}/1", data=b"world", headers=dest, auth=bot_auth)
    await fetch(http, "PUT", f"{upload}/0", data=b"hello ", headers=dest, auth=bot_auth)
    status, headers, _ = await fetch(http, "MOVE", f"{upload}/.file", headers=dest,
                                     auth=bot_auth)
    assert status == 201 and "OC-FileId" in headers
    assert (await fetch(http, "DELETE", upload, auth=bot_auth))[0] == 404
    node = sandbox.state.tree.get("ensemble-bot", "Partage/assemble.bin")
    assert node is not None and node.data == b"hello world"


async def test_search_answers_with_the_real_content_type(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    body = (
        '<d:searchrequest xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">'
        "<d:basicsearch><d:select><d:prop><oc:fileid/></d:prop></d:select>"
        "<d:from><d:scope><d:href>/files/ensemble-bot/</d:href><d:depth>infinity</d:depth>"
        "</d:scope></d:from><d:where><d:eq><d:prop><d:displayname/></d:prop>"
        "<d:literal>Partage</d:literal></d:eq></d:where></d:basicsearch></d:searchrequest>"
    )
    status, headers, text = await fetch(http, "SEARCH", f"{sandbox.url}/remote.php/dav",
                                        data=body, headers={"Content-Type": "text/xml"},
                                        auth=bot_auth)
    assert status == 207
    assert headers["Content-Type"] == 'application/xml; charset="utf-8"'
    response = xmltodict.parse(text)["d:multistatus"]["d:response"]
    assert response["d:href"] == "/remote.php/dav/files/ensemble-bot/Partage/"


async def test_public_link_page_and_download(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession
) -> None:
    state = sandbox.state
    state.tree.write("ensemble-bot", "Partage/pub.txt", b"public")
    bot = state.directory.accounts["ensemble-bot"]
    open_link = state.shares.create(bot, {"path": "Partage/pub.txt", "shareType": "3"})
    locked = state.shares.create(bot, {"path": "Partage/pub.txt", "shareType": "3",
                                       "password": "Un-Mot-De-Passe-7"})
    page = await fetch(http, "GET", f"{sandbox.url}/index.php/s/{open_link.token}")
    download = await fetch(http, "GET", f"{sandbox.url}/index.php/s/{open_link.token}/download")
    protected = await fetch(http, "GET", f"{sandbox.url}/index.php/s/{locked.token}",
                            allow_redirects=False)
    assert page[0] == 200 and download[2] == "public"
    assert protected[0] == 303


async def test_share_update_accepts_a_form_body(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    state = sandbox.state
    state.tree.write("ensemble-bot", "Partage/f.txt", b"f")
    share = state.shares.create(state.directory.accounts["ensemble-bot"],
                                {"path": "Partage/f.txt", "shareType": "3"})
    status, _, body = await fetch(
        http, "PUT", sandbox.url + SHARES.format(v="v2") + f"/{share.id}?format=json",
        data={"note": "à relire", "label": "rc"}, headers=OCS, auth=bot_auth)
    data = json.loads(body)["ocs"]["data"]
    assert status == 200 and (data["note"], data["label"]) == ("à relire", "rc")


async def test_unknown_ocs_route_is_998_with_http_404(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession, bot_auth: dict[str, str]
) -> None:
    status, _, body = await fetch(http, "GET",
                                  f"{sandbox.url}/ocs/v1.php/apps/nothing/here?format=json",
                                  headers=OCS, auth=bot_auth)
    assert status == 404
    assert json.loads(body)["ocs"]["meta"]["statuscode"] == 998
