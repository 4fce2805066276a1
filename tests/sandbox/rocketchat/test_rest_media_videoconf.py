"""Uploads with authenticated download, and the video-conference endpoints."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from tests.sandbox.rocketchat.conftest import bot_headers, user_headers

MIB = 1024 * 1024


def _form(name: str, content: bytes, kind: str, **fields: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    # Large bodies go as a stream, as aiohttp asks (a ResourceWarning otherwise).
    form.add_field("file", io.BytesIO(content) if len(content) > MIB else content,
                   filename=name, content_type=kind)
    for key, value in fields.items():
        form.add_field(key, value)
    return form


async def test_media_then_confirm_posts_a_file_message_and_serves_it(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    headers = bot_headers(sandbox)
    async with http.post(f"{sandbox.url}/api/v1/rooms.media/GENERAL", headers=headers,
                         data=_form("cr.pdf", b"%PDF-1", "application/pdf")) as response:
        staged = (await response.json())["file"]
    assert staged["url"] == f"/file-upload/{staged['_id']}/cr.pdf"
    async with http.post(f"{sandbox.url}/api/v1/rooms.mediaConfirm/GENERAL/{staged['_id']}",
                         headers=headers, json={"msg": "compte rendu",
                                                "description": "réunion"}) as response:
        message = (await response.json())["message"]
    assert message["msg"] == "compte rendu" and message["file"]["name"] == "cr.pdf"
    attachment = message["attachments"][0]
    assert attachment["title_link"] == staged["url"] and attachment["type"] == "file"
    async with http.get(f"{sandbox.url}{staged['url']}", headers=headers) as response:
        assert response.status == 200 and await response.read() == b"%PDF-1"
    async with http.get(f"{sandbox.url}{staged['url']}") as response:
        assert response.status == 403


async def test_download_refused_to_non_members_of_a_private_group(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    secret = sandbox.state.create_room("secret", "p", ["marie"])
    posted = sandbox.state.post("marie", "secret", "pièce", file={
        "name": "a.txt", "content_base64": "Ym9uam91cg==", "type": "text/plain"}).message
    assert posted is not None
    url = posted["attachments"][0]["title_link"]
    marie = await user_headers(sandbox, http, "marie")
    async with http.get(f"{sandbox.url}{url}", headers=marie) as response:
        assert await response.read() == b"bonjour"
    async with http.get(f"{sandbox.url}{url}", headers=bot_headers(sandbox)) as response:
        assert response.status == 403
    assert secret.id == posted["rid"]


async def test_rooms_upload_in_one_call(sandbox: RocketChatSandbox,
                                        http: aiohttp.ClientSession) -> None:
    async with http.post(f"{sandbox.url}/api/v1/rooms.upload/GENERAL",
                         headers=bot_headers(sandbox),
                         data=_form("p.png", b"\x89PNG", "image/png", msg="photo")) as response:
        message = (await response.json())["message"]
    assert message["attachments"][0]["image_type"] == "image/png"
    assert message["msg"] == "photo"


async def _vc(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession, headers: dict[str, str],
    method: str, endpoint: str, **kwargs: Any,
) -> tuple[int, dict[str, Any]]:
    async with http.request(method, f"{sandbox.url}/api/v1/video-conference.{endpoint}",
                            headers=headers, **kwargs) as response:
        return response.status, await response.json()


async def test_call_button_flow(sandbox: RocketChatSandbox,
                                http: aiohttp.ClientSession) -> None:
    marie = await user_headers(sandbox, http, "marie")
    rid = sandbox.state.room_id("equipe-projet")
    status, body = await _vc(sandbox, http, marie, "POST", "start", json={"roomId": rid})
    assert status == 200
    data = body["data"]
    assert data["type"] == "videoconference" and data["rid"] == rid
    message = sandbox.state.messages("equipe-projet")[-1]
    assert message["t"] == "videoconf" and message["u"]["username"] == "marie"
    assert message["blocks"] == [{"type": "video_conf", "blockId": data["callId"],
                                  "callId": data["callId"], "appId": "videoconf-core"}]
    status, info = await _vc(sandbox, http, bot_headers(sandbox), "GET", "info",
                             params={"callId": data["callId"]})
    assert info["url"].endswith(data["callId"]) and info["status"] == 1
    assert info["createdBy"]["username"] == "marie"
    status, joined = await _vc(sandbox, http, marie, "POST", "join",
                               json={"callId": data["callId"], "state": {"mic": True}})
    assert joined["url"].startswith(info["url"]) and joined["providerName"] == "jitsi"


async def test_start_needs_room_id_and_call_management(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _vc(sandbox, http, bot_headers(sandbox), "POST", "start", json={})
    assert (status, body) == (400, {"success": False, "errorType": "invalid-params",
                                    "error": "must have required property 'roomId' "
                                             "[invalid-params]"})
    status, body = await _vc(sandbox, http, bot_headers(sandbox), "POST", "start",
                             json={"roomId": "GENERAL"})
    assert status == 403  # the bot role lacks call-management


async def test_no_provider_means_no_call(sandbox: RocketChatSandbox,
                                         http: aiohttp.ClientSession) -> None:
    sandbox.state.update_settings({"VideoConf_Default_Provider": ""})
    marie = await user_headers(sandbox, http, "marie")
    status, body = await _vc(sandbox, http, marie, "POST", "start",
                             json={"roomId": "GENERAL"})
    assert status == 400 and body["errorType"] == "no-videoconf-provider-app"
    assert all(m.get("t") != "videoconf" for m in sandbox.state.messages("general"))



async def test_a_20_mb_attachment_is_accepted_as_by_a_default_rocket_chat(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    """FileUpload_MaxFileSize is 104857600 (100 MiB) by default; aiohttp's own 1 MiB cap on
    request bodies must not stand in front of it."""
    content = bytes(range(256)) * (20 * MIB // 256)
    async with http.post(f"{sandbox.url}/api/v1/rooms.upload/GENERAL",
                         headers=bot_headers(sandbox),
                         data=_form("rapport.pdf", content, "application/pdf")) as response:
        assert response.status == 200, await response.text()
        message = (await response.json())["message"]
    assert message["file"]["size"] == len(content)
    async with http.get(f"{sandbox.url}{message['attachments'][0]['title_link']}",
                        headers=bot_headers(sandbox)) as download:
        assert await download.read() == content


async def test_a_file_above_the_setting_is_refused_as_rocket_chat_does(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    """getUploadFormData with sizeLimit = FileUpload_MaxFileSize: a truncated file part is
    Meteor.Error('error-file-too-large'), REST 400; nothing is staged."""
    sandbox.state.store.settings["FileUpload_MaxFileSize"] = 2 * MIB
    async with http.post(f"{sandbox.url}/api/v1/rooms.media/GENERAL",
                         headers=bot_headers(sandbox),
                         data=_form("gros.bin", b"x" * (3 * MIB), "application/pdf")) as response:
        assert response.status == 400
        body = await response.json()
    assert body["success"] is False and body["errorType"] == "error-file-too-large"
    assert body["error"] == "[error-file-too-large]"
    assert sandbox.state.store.uploads == {}


async def test_a_6_mb_file_posted_through_the_control_api_arrives(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    content = b"y" * (6 * MIB)
    file = {"name": "photos.zip", "type": "application/zip",
            "content_base64": base64.b64encode(content).decode()}
    body = json.dumps({"username": "marie", "room": "GENERAL", "text": "les photos",
                       "file": file}).encode()
    async with http.post(f"{sandbox.url}/_sandbox/post", data=io.BytesIO(body),
                         headers={"Content-Type": "application/json"}) as response:
        assert response.status == 200, await response.text()
        posted = (await response.json())["message"]
    assert posted["file"]["size"] == len(content)
