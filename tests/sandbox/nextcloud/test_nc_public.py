"""Where shared links lead: public pages, password page, public WebDAV, /index.php/f/<id>."""

from __future__ import annotations

import io
import re
import zipfile

import aiohttp
from nc_py_api import AsyncNextcloud
from nc_py_api.files import ShareType

from sandbox.nextcloud import NextcloudSandbox
from tests.sandbox.nextcloud.conftest import NcFactory, basic_auth

REQUEST_TOKEN = re.compile(r'name="requesttoken" value="([^"]+)"')
PASSWORD = "Kq7#pLm2xZ9!vB4w"


def browser() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def test_the_password_form_needs_the_sessions_request_token(
    nc: AsyncNextcloud, sandbox: NextcloudSandbox
) -> None:
    await nc.files.upload("Partage/plan.txt", b"x")
    share = await nc.files.sharing.create("Partage/plan.txt", ShareType.TYPE_LINK,
                                          password=PASSWORD)
    auth_page = f"{sandbox.url}/index.php/s/{share.token}/authenticate/showShare"
    async with browser() as session:
        async with session.get(f"{sandbox.url}/index.php/s/{share.token}",
                               allow_redirects=False) as first:
            assert first.status == 303
            assert first.headers["Location"] == auth_page.removeprefix(sandbox.url)
        async with session.get(auth_page) as page:
            assert "This share is password-protected" in await page.text()
        async with session.post(auth_page, data={"password": PASSWORD,
                                                 "requesttoken": "forged"}) as forged:
            assert forged.status == 412
        async with session.get(f"{sandbox.url}/index.php/s/{share.token}/download",
                               allow_redirects=False) as still_locked:
            assert still_locked.status == 303


async def test_a_folder_link_downloads_as_a_zip_and_lists_over_public_dav(
    nc: AsyncNextcloud, sandbox: NextcloudSandbox
) -> None:
    await nc.files.makedirs("Partage/dossier", exist_ok=True)
    await nc.files.upload("Partage/dossier/a.txt", b"a")
    share = await nc.files.sharing.create("Partage/dossier", ShareType.TYPE_LINK)
    async with browser() as session:
        async with session.get(f"{sandbox.url}/index.php/s/{share.token}/download") as zipped:
            assert zipped.content_type == "application/zip"
            archive = zipfile.ZipFile(io.BytesIO(await zipped.read()))
            assert archive.read("dossier/a.txt") == b"a"
        dav = f"{sandbox.url}/public.php/dav/files/{share.token}"
        async with session.request("PROPFIND", f"{dav}/", headers={"Depth": "1"}) as listing:
            assert listing.status == 207
            body = await listing.text()
        assert f"<d:href>/public.php/dav/files/{share.token}/a.txt</d:href>" in body
        async with session.get(f"{dav}/a.txt") as file:
            assert await file.read() == b"a"
        async with session.get(f"{sandbox.url}/public.php/dav/files/nope/a.txt") as unknown:
            assert unknown.status == 404


async def test_an_internal_link_opens_the_files_app_for_those_it_is_shared_with(
    make_nc: NcFactory, sandbox: NextcloudSandbox
) -> None:
    nc = make_nc()
    await nc.files.upload("Partage/plan.txt", b"x")
    node = await nc.files.by_path("Partage/plan.txt")
    assert node is not None
    await nc.files.sharing.create("Partage/plan.txt", ShareType.TYPE_USER, share_with="jean")
    link = f"{sandbox.url}/index.php/f/{node.info.fileid}"
    async with aiohttp.ClientSession() as session:
        async with session.get(link, allow_redirects=False) as anonymous:
            assert anonymous.status == 303
            assert anonymous.headers["Location"] == (
                f"/index.php/login?redirect_url=%2Findex.php%2Ff%2F{node.info.fileid}")
        jean = basic_auth("jean", "jean-sandbox-password")
        async with session.get(link, headers=jean, allow_redirects=False) as opened:
            assert opened.headers["Location"] == (
                f"/index.php/apps/files/files/{node.info.fileid}?dir=%2F&openfile=true")
        marie = basic_auth("marie", "marie-sandbox-password")
        async with session.get(link, headers=marie, allow_redirects=False) as stranger:
            assert stranger.headers["Location"] == "/index.php/apps/files/?fileNotFound=1"
