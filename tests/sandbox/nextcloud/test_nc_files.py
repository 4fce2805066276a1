"""nc-py-api's own file calls against the fake Nextcloud (WebDAV, chunks, PROPFIND, SEARCH)."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta

import pytest
from nc_py_api import AsyncNextcloud, NextcloudException

from sandbox.nextcloud import NextcloudSandbox
from tests.sandbox.nextcloud.conftest import Control, NcFactory

INSTANCE_SUFFIX = "ocs4ndb0x0nc"


async def test_mkdir_returns_a_folder_node_with_the_server_file_id(nc: AsyncNextcloud) -> None:
    node = await nc.files.mkdir("Réunions")
    assert node.is_dir
    assert node.user_path == "Réunions/"
    assert node.file_id.endswith(INSTANCE_SUFFIX) and len(node.file_id) == 8 + 12
    listed = await nc.files.by_path("Réunions")
    assert listed is not None and listed.info.fileid == int(node.file_id[:8])


async def test_mkdir_twice_is_405_and_missing_parent_is_409(nc: AsyncNextcloud) -> None:
    await nc.files.mkdir("A")
    with pytest.raises(NextcloudException) as exists:
        await nc.files.mkdir("A")
    assert exists.value.status_code == 405
    with pytest.raises(NextcloudException) as orphan:
        await nc.files.mkdir("nope/child")
    assert orphan.value.status_code == 409


async def test_makedirs_with_exist_ok_creates_every_level_once(nc: AsyncNextcloud) -> None:
    await nc.files.makedirs("Partage/general/2026-01-15", exist_ok=True)
    await nc.files.makedirs("Partage/general/2026-01-15", exist_ok=True)
    names = [n.name for n in await nc.files.listdir("Partage/general")]
    assert names == ["2026-01-15"]


async def test_upload_then_download_round_trips_bytes(nc: AsyncNextcloud) -> None:
    node = await nc.files.upload("Partage/hello été.txt", b"bonjour")
    assert node.etag.startswith('"') and node.file_id.endswith(INSTANCE_SUFFIX)
    assert await nc.files.download("Partage/hello été.txt") == b"bonjour"


async def test_overwrite_keeps_the_file_id_and_changes_the_etag(nc: AsyncNextcloud) -> None:
    first = await nc.files.upload("Partage/doc.txt", b"v1")
    second = await nc.files.upload("Partage/doc.txt", b"version 2")
    assert first.file_id == second.file_id
    assert first.etag != second.etag
    node = await nc.files.by_path("Partage/doc.txt")
    assert node is not None and node.info.size == 9


async def test_upload_into_a_missing_folder_is_404(nc: AsyncNextcloud) -> None:
    with pytest.raises(NextcloudException) as err:
        await nc.files.upload("Absent/x.txt", b"x")
    assert err.value.status_code == 404


@pytest.mark.parametrize("name", [".htaccess", "notes.part", "back\\slash.txt"])
async def test_forbidden_names_are_refused_with_400(nc: AsyncNextcloud, name: str) -> None:
    with pytest.raises(NextcloudException) as err:
        await nc.files.upload(f"Partage/{name}", b"x")
    assert err.value.status_code == 400


async def test_listdir_depths_and_exclude_self(nc: AsyncNextcloud) -> None:
    await nc.files.makedirs("Projet/Sous", exist_ok=True)
    await nc.files.upload("Projet/a.txt", b"aaa")
    await nc.files.upload("Projet/Sous/b.txt", b"bb")
    depth1 = await nc.files.listdir("Projet")
    assert sorted(n.user_path for n in depth1) == ["Projet/Sous/", "Projet/a.txt"]
    everything = await nc.files.listdir("Projet", depth=-1)
    assert "Projet/Sous/b.txt" in [n.user_path for n in everything]
    itself = await nc.files.listdir("Projet", depth=0, exclude_self=False)
    assert [n.user_path for n in itself] == ["Projet/"]
    assert itself[0].info.size == 5  # a folder's size is the sum of its content


async def test_listdir_reports_permissions_mime_and_modification(nc: AsyncNextcloud) -> None:
    await nc.files.upload("Partage/plan.docx", b"not really a docx")
    nodes = {n.name: n for n in await nc.files.listdir("Partage")}
    doc = nodes["plan.docx"]
    assert doc.info.permissions == "RGDNVW"
    assert doc.info.mimetype.endswith("wordprocessingml.document")
    assert doc.info.last_modified.year >= 2024
    home = await nc.files.by_path("")
    assert home is not None and home.info.permissions == "RGDNVCK"


async def test_by_path_on_a_missing_file_raises_404(nc: AsyncNextcloud) -> None:
    with pytest.raises(NextcloudException) as err:
        await nc.files.by_path("Partage/absent.txt")
    assert err.value.status_code == 404


async def test_find_by_name_like_is_case_insensitive(nc: AsyncNextcloud) -> None:
    await nc.files.upload("Partage/Rapport Final.pdf", b"%PDF")
    await nc.files.upload("Partage/autre.txt", b"x")
    found = await nc.files.find(["like", "name", "%rapport%"])
    assert [n.user_path for n in found] == ["Partage/Rapport Final.pdf"]
    scoped = await nc.files.find(["like", "name", "%"], path="Partage")
    assert {n.name for n in scoped} == {"Rapport Final.pdf", "autre.txt"}


async def test_find_combines_conditions(nc: AsyncNextcloud) -> None:
    await nc.files.upload("Partage/small.txt", b"1")
    await nc.files.upload("Partage/big.txt", b"1" * 100)
    found = await nc.files.find(["and", "like", "name", "%.txt", "gt", "size", 10])
    assert [n.name for n in found] == ["big.txt"]


async def test_by_id_accepts_plain_and_full_ids(nc: AsyncNextcloud) -> None:
    node = await nc.files.upload("Partage/id.txt", b"x")
    plain = await nc.files.by_id(int(node.file_id[:8]))
    full = await nc.files.by_id(node.file_id)
    assert plain is not None and full is not None
    assert plain.user_path == full.user_path == "Partage/id.txt"


async def test_move_renames_and_keeps_the_file_id(nc: AsyncNextcloud) -> None:
    node = await nc.files.upload("Partage/old.txt", b"x")
    moved = await nc.files.move("Partage/old.txt", "Partage/new.txt")
    assert moved.user_path == "Partage/new.txt"
    assert moved.file_id == node.file_id
    with pytest.raises(NextcloudException):
        await nc.files.by_path("Partage/old.txt")


async def test_move_onto_existing_needs_overwrite(nc: AsyncNextcloud) -> None:
    await nc.files.upload("Partage/a.txt", b"a")
    await nc.files.upload("Partage/b.txt", b"b")
    with pytest.raises(NextcloudException) as err:
        await nc.files.move("Partage/a.txt", "Partage/b.txt")
    assert err.value.status_code == 412
    await nc.files.move("Partage/a.txt", "Partage/b.txt", overwrite=True)
    assert await nc.files.download("Partage/b.txt") == b"a"


async def test_copy_creates_a_new_file_id(nc: AsyncNextcloud) -> None:
    node = await nc.files.upload("Partage/src.txt", b"content")
    copied = await nc.files.copy("Partage/src.txt", "Partage/dst.txt")
    assert copied.file_id != node.file_id
    assert await nc.files.download("Partage/dst.txt") == b"content"
    assert await nc.files.download("Partage/src.txt") == b"content"


async def test_delete_then_404_unless_not_fail(nc: AsyncNextcloud) -> None:
    await nc.files.upload("Partage/gone.txt", b"x")
    await nc.files.delete("Partage/gone.txt")
    with pytest.raises(NextcloudException) as err:
        await nc.files.delete("Partage/gone.txt")
    assert err.value.status_code == 404
    await nc.files.delete("Partage/gone.txt", not_fail=True)


async def test_upload_stream_v2_chunks_a_6_mib_file(
    nc: AsyncNextcloud, sandbox: NextcloudSandbox
) -> None:
    payload = os.urandom(6 * 1024 * 1024)
    node = await nc.files.upload_stream("Partage/big.bin", io.BytesIO(payload))
    assert node.file_id.endswith(INSTANCE_SUFFIX)
    assert await nc.files.download("Partage/big.bin") == payload
    assert sandbox.state.uploads == {}  # the server removed the upload folder


async def test_upload_stream_v1_small_chunks_assemble_in_order(nc: AsyncNextcloud) -> None:
    payload = bytes(range(256)) * 4096  # 1 MiB
    await nc.files.upload_stream("Partage/v1.bin", io.BytesIO(payload), chunk_size=100_000)
    assert await nc.files.download("Partage/v1.bin") == payload


async def test_quota_gives_507_on_put_and_on_chunk_assembly(
    nc: AsyncNextcloud, control: Control, sandbox: NextcloudSandbox
) -> None:
    await control("POST", "quota", json={"user": "ensemble-bot", "bytes": 5 * 1024 * 1024})
    with pytest.raises(NextcloudException) as put:
        await nc.files.upload("Partage/too-big.bin", b"x" * (6 * 1024 * 1024))
    assert put.value.status_code == 507
    with pytest.raises(NextcloudException) as chunked:
        await nc.files.upload_stream("Partage/too-big.bin", io.BytesIO(b"y" * (6 * 1024 * 1024)))
    assert chunked.value.status_code == 507
    assert sandbox.state.uploads == {}  # nc-py-api's finally DELETE cleaned the folder
    await nc.files.upload("Partage/fits.txt", b"small")


async def test_wrong_app_password_is_401(make_nc: NcFactory) -> None:
    intruder = make_nc(password="wrong-password")
    with pytest.raises(NextcloudException) as err:
        await intruder.files.listdir()
    assert err.value.status_code == 401


async def test_find_by_modification_time_and_mime(nc: AsyncNextcloud) -> None:
    await nc.files.upload("Partage/photo.png", b"\x89PNG")
    await nc.files.upload("Partage/texte.txt", b"t")
    recent = await nc.files.find(
        ["gt", "last_modified", datetime.now(UTC) - timedelta(minutes=5)], path="Partage")
    assert {n.name for n in recent} == {"photo.png", "texte.txt"}
    images = await nc.files.find(["like", "mime", "image/%"])
    assert [n.name for n in images] == ["photo.png"]
