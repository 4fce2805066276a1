"""New documents (OnlyOffice on/off), the /_sandbox/ control API, faults and the public class."""

from __future__ import annotations

import base64
import json
import time

import aiohttp
import pytest
from nc_py_api import AsyncNextcloud, NextcloudException

from sandbox.nextcloud import NextcloudSandbox
from sandbox.nextcloud.ooxml import blank_document
from tests.sandbox.nextcloud.conftest import Control, NcFactory

FILES_API = "/ocs/v2.php/apps/files/api/v1"


@pytest.mark.parametrize("extension", ["docx", "xlsx", "pptx"])
async def test_blank_documents_pass_the_ooxml_inspection(
    nc: AsyncNextcloud, control: Control, extension: str
) -> None:
    await nc.files.upload(f"Partage/vierge.{extension}", blank_document(extension))
    report = await control("GET", "ooxml/ensemble-bot",
                           params={"path": f"Partage/vierge.{extension}"})
    assert (report["valid"], report["kind"]) == (True, extension)


async def test_inspection_rejects_a_file_that_is_not_ooxml(nc: AsyncNextcloud,
                                                           control: Control) -> None:
    await nc.files.upload("Partage/faux.docx", b"plain text, not a zip")
    report = await control("GET", "ooxml/ensemble-bot", params={"path": "Partage/faux.docx"})
    assert report["valid"] is False and report["error"]


async def test_templates_list_onlyoffice_creators_when_installed(nc: AsyncNextcloud) -> None:
    creators = await nc.ocs("GET", f"{FILES_API}/templates")
    assert [(c["app"], c["extension"]) for c in creators] == [
        ("text", ".md"), ("onlyoffice", ".docx"), ("onlyoffice", ".xlsx"),
        ("onlyoffice", ".pptx")]


async def test_template_create_writes_a_valid_blank_document(nc: AsyncNextcloud,
                                                             control: Control) -> None:
    created = await nc.ocs("POST", f"{FILES_API}/templates/create",
                           json={"filePath": "/Partage/Compte rendu.docx",
                                 "templatePath": "", "templateType": "user"})
    assert created["filename"] == "/Partage/Compte rendu.docx"
    assert created["mime"].endswith("wordprocessingml.document") and created["size"] > 0
    report = await control("GET", "ooxml/ensemble-bot",
                           params={"path": "Partage/Compte rendu.docx"})
    assert report["valid"] is True


async def test_without_office_app_only_the_text_creator_is_listed_and_files_are_0_bytes(
    make_nc: NcFactory, control: Control
) -> None:
    await control("POST", "policy", json={"onlyoffice_installed": False})
    nc = make_nc()
    # The Text app registers its creator on every Nextcloud 30 (RegisterTemplateCreator-
    # Listener.php, order 10); the label follows the account's language.
    assert await nc.ocs("GET", f"{FILES_API}/templates") == [{
        "app": "text", "label": "New text file", "extension": ".md", "iconClass": None,
        "iconSvgInline": "<svg><title>article</title></svg>",
        "mimetypes": ["text/markdown", "text/plain"], "ratio": 1.0,
        "actionLabel": "Create new text file", "templates": []}]
    await control("POST", "language", json={"user": "ensemble-bot", "language": "fr"})
    [french] = await make_nc().ocs("GET", f"{FILES_API}/templates")
    assert (french["label"], french["actionLabel"]) == (
        "Nouveau fichier texte", "Créer un nouveau fichier texte")
    created = await nc.ocs("POST", f"{FILES_API}/templates/create",
                           json={"filePath": "/Partage/vide.docx"})
    assert created["size"] == 0


async def test_direct_editing_create_without_editor_is_403_and_leaves_an_empty_file(
    make_nc: NcFactory, control: Control
) -> None:
    await control("POST", "policy", json={"onlyoffice_installed": False})
    nc = make_nc()
    info = await nc.ocs("GET", f"{FILES_API}/directEditing")
    assert set(info["editors"]) == {"text"} and set(info["creators"]) == {"textdocument"}
    with pytest.raises(NextcloudException) as err:
        await nc.ocs("POST", f"{FILES_API}/directEditing/create",
                     json={"path": "/Partage/x.docx", "editorId": "onlyoffice",
                           "creatorId": "onlyoffice_docx"})
    assert err.value.status_code == 403
    assert "No editor found" in err.value.response.text
    left = await nc.files.by_path("Partage/x.docx")
    assert left is not None and left.info.size == 0


async def test_direct_editing_with_onlyoffice_gives_a_one_time_url(nc: AsyncNextcloud) -> None:
    info = await nc.ocs("GET", f"{FILES_API}/directEditing")
    assert set(info["creators"]) == {"onlyoffice_docx", "onlyoffice_xlsx", "onlyoffice_pptx",
                                     "textdocument"}
    first = await nc.ocs("POST", f"{FILES_API}/directEditing/create",
                         json={"path": "/Partage/y.xlsx", "editorId": "onlyoffice",
                               "creatorId": "onlyoffice_xlsx"})
    second = await nc.ocs("POST", f"{FILES_API}/directEditing/open",
                          json={"path": "/Partage/y.xlsx"})
    assert "/index.php/apps/files/directEditing/" in first["url"]
    assert first["url"] != second["url"]


async def test_password_policy_generate_round_trips_through_validate(nc: AsyncNextcloud) -> None:
    api = "/ocs/v2.php/apps/password_policy/api/v1"
    generated = (await nc.ocs("GET", f"{api}/generate"))["password"]
    assert len(generated) >= 10
    assert await nc.ocs("POST", f"{api}/validate", json={"password": generated}) == {
        "passed": True}
    weak = await nc.ocs("POST", f"{api}/validate", json={"password": "azerty"})
    assert weak["passed"] is False and "at least 10 characters" in weak["reason"]


async def test_control_lists_and_reads_files(nc: AsyncNextcloud, control: Control) -> None:
    node = await nc.files.upload("Partage/lu.txt", "été".encode())
    files = await control("GET", "files/ensemble-bot")
    entry = next(f for f in files if f["path"] == "Partage/lu.txt")
    assert entry["size"] == 5 and entry["oc_id"] == node.file_id
    content = await control("GET", "file/ensemble-bot", params={"path": "Partage/lu.txt"})
    assert base64.b64decode(content["content_base64"]).decode() == "été"


async def test_seeded_agents_have_files_and_groups(control: Control) -> None:
    marie = await control("GET", "files/marie")
    assert "Documents/compte-rendu.md" in [f["path"] for f in marie]
    state = await control("GET", "state")
    assert state["groups"]["equipe-projet"] == ["alice", "jean", "luc", "marie", "sophie"]
    assert state["users"]["sophie"]["display_name"] == "Sophie Germain"


async def test_control_creates_users_and_groups_usable_for_shares(
    make_nc: NcFactory, control: Control
) -> None:
    created = await control("POST", "users", json={"uid": "paul", "display_name": "Paul Bert"})
    await control("POST", "groups", json={"gid": "cellule-crise", "members": ["paul"]})
    paul = make_nc("paul", created["app_password"])
    assert await paul.files.listdir() == []
    bot = make_nc()
    await bot.files.upload("Partage/note.txt", b"x")
    share = await bot.files.sharing.create("Partage/note.txt", 1, share_with="cellule-crise")
    assert share.share_with == "cellule-crise"
    received = await paul.files.sharing.get_list(shared_with_me=True)
    assert [s.share_id for s in received] == [share.share_id]


async def test_control_lists_every_share(nc: AsyncNextcloud, control: Control) -> None:
    await nc.files.upload("Partage/s.txt", b"x")
    share = await nc.files.sharing.create("Partage/s.txt", 3, label="rocketchat:general:jean")
    shares = await control("GET", "shares")
    assert [(s["id"], s["label"]) for s in shares] == [
        (str(share.share_id), "rocketchat:general:jean")]


async def test_control_rejects_unknown_policy_switches(
    sandbox: NextcloudSandbox, http: aiohttp.ClientSession
) -> None:
    async with http.post(f"{sandbox.url}/_sandbox/policy", json={"bogus": True}) as resp:
        assert resp.status == 400
        assert "unknown policy switch" in (await resp.json())["error"]


async def test_fail_next_makes_the_next_calls_fail_then_recover(
    nc: AsyncNextcloud, control: Control
) -> None:
    await nc.files.listdir()  # warm up: capabilities and user id are cached
    await control("POST", "faults", json={"fail_next": 1, "error_status": 503})
    with pytest.raises(NextcloudException) as err:
        await nc.files.listdir()
    assert err.value.status_code == 503
    assert await nc.files.listdir() is not None


async def test_error_ratio_one_fails_everything(nc: AsyncNextcloud, control: Control) -> None:
    await control("POST", "faults", json={"error_ratio": 1.0, "error_status": 500})
    with pytest.raises(NextcloudException) as err:
        await nc.files.listdir()
    assert err.value.status_code == 500


async def test_latency_delays_answers(nc: AsyncNextcloud, control: Control) -> None:
    await nc.files.listdir()
    await control("POST", "faults", json={"latency_ms": 150})
    started = time.monotonic()
    await nc.files.listdir()
    assert time.monotonic() - started >= 0.15


async def test_sandbox_class_describes_itself_and_its_env(sandbox: NextcloudSandbox) -> None:
    env = sandbox.env()
    assert env["ENSEMBLE_NEXTCLOUD__URL"] == sandbox.url
    assert env["ENSEMBLE_NEXTCLOUD__USERNAME"] == "ensemble-bot"
    assert len(env["ENSEMBLE_NEXTCLOUD__APP_PASSWORD"]) >= 20
    described = sandbox.describe()
    assert described["url"] == sandbox.url
    assert "equipe-projet" in described["groups"]  # type: ignore[operator]


async def test_unseeded_sandbox_has_no_accounts() -> None:
    server = NextcloudSandbox(seed=False)
    await server.start()
    try:
        assert server.state.directory.accounts == {}
        assert server.env()["ENSEMBLE_NEXTCLOUD__APP_PASSWORD"] == ""
    finally:
        await server.stop()


async def test_download_limit_deletes_the_link_once_reached(
    nc: AsyncNextcloud, sandbox: NextcloudSandbox, http: aiohttp.ClientSession
) -> None:
    assert (await nc.capabilities)["downloadlimit"]["enabled"] is True
    await nc.files.upload("Partage/limite.txt", b"deux fois")
    share = await nc.files.sharing.create("Partage/limite.txt", 3)
    api = f"/ocs/v2.php/apps/files_downloadlimit/api/v1/{share.token}/limit"
    assert await nc.ocs("PUT", api, params={"limit": 2}) == []
    assert await nc.ocs("GET", api) == {"limit": 2, "count": 0}
    download = f"{sandbox.url}/index.php/s/{share.token}/download"
    for _ in range(2):
        async with http.get(download) as resp:
            assert resp.status == 200
    async with http.get(download) as resp:
        assert resp.status == 404
    with pytest.raises(NextcloudException):
        await nc.files.sharing.get_by_id(share.share_id)


async def test_download_limit_only_on_file_links(nc: AsyncNextcloud) -> None:
    await nc.files.mkdir("Dossier")
    share = await nc.files.sharing.create("Dossier", 3)
    with pytest.raises(NextcloudException) as err:
        await nc.ocs("PUT", f"/ocs/v2.php/apps/files_downloadlimit/api/v1/{share.token}/limit",
                     params={"limit": 1})
    assert err.value.status_code == 404
    assert "Invalid file type" in err.value.response.text


async def test_direct_editing_open_refuses_as_nextcloud_30_does(
    make_nc: NcFactory, control: Control
) -> None:
    """DirectEditingController::open: 403 {"message": "Failed to open file: …"} with the
    exception of DirectEditing\\Manager::open."""
    await control("POST", "policy", json={"onlyoffice_installed": False})
    nc = make_nc()
    await nc.files.upload("Partage/photo.png", b"\x89PNG")
    await nc.files.upload("Partage/notes.md", b"# notes")
    for body, message in [
        ({"path": "/Partage/photo.png"},
         "Failed to open file: No default editor found for files mimetype"),
        ({"path": "/Partage/notes.md", "editorId": "onlyoffice"},
         "Failed to open file: Editor onlyoffice is unknown"),
    ]:
        with pytest.raises(NextcloudException) as err:
            await nc.ocs("POST", f"{FILES_API}/directEditing/open", json=body)
        assert err.value.status_code == 403
        assert json.loads(err.value.response.text)["ocs"]["data"] == {"message": message}
    opened = await nc.ocs("POST", f"{FILES_API}/directEditing/open",
                          json={"path": "/Partage/notes.md"})
    assert "/index.php/apps/files/directEditing/" in opened["url"]


async def test_direct_editing_templates_offer_the_empty_file(nc: AsyncNextcloud) -> None:
    listed = await nc.ocs("GET", f"{FILES_API}/directEditing/templates/text/textdocument")
    assert listed == {"templates": {"empty": {
        "id": "empty", "title": "Empty file", "preview": None, "extension": "md",
        "mimetype": "text/markdown"}}}
    with pytest.raises(NextcloudException) as err:
        await nc.ocs("GET", f"{FILES_API}/directEditing/templates/nothing/textdocument")
    assert err.value.status_code == 500
