"""Fidelity audit fixes: kick events, image thumbnails, im.members, chat.sendMessage's inner
schema and chat.syncMessages' lastUpdate check (each against the upstream source it cites)."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.state import seed
from tests.sandbox.rocketchat.conftest import RawDdp, bot_headers
from tests.sandbox.rocketchat.png import png

USER = "stream-notify-user"


async def _rest(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession, method: str, endpoint: str,
    **kwargs: Any,
) -> tuple[int, dict[str, Any]]:
    async with http.request(method, f"{sandbox.url}/api/v1/{endpoint}",
                            headers=bot_headers(sandbox), **kwargs) as response:
        return response.status, await response.json()


def _upload(sandbox: RocketChatSandbox, name: str, kind: str, content: bytes) -> dict[str, Any]:
    file = {"name": name, "type": kind, "content_base64": base64.b64encode(content).decode()}
    message = sandbox.state.post("marie", "general", "", file=file).message
    assert message is not None
    return message


async def test_a_kicked_user_gets_subscriptions_changed_but_no_rooms_changed(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    uid = sandbox.state.user_id(seed.BOT_USERNAME)
    for event in ("rooms-changed", "subscriptions-changed"):
        sub_id = await bot_ddp.sub(USER, f"{uid}/{event}", False)
        await bot_ddp.wait_for(lambda f, s=sub_id: f.get("msg") == "ready" and f["subs"] == [s])
    sandbox.state.kick("admin", "general", seed.BOT_USERNAME)
    await bot_ddp.wait_for(lambda f: f.get("msg") == "changed"
                           and f["fields"]["eventName"] == f"{uid}/subscriptions-changed")
    await asyncio.sleep(0.1)
    # The `ru` message is saved before the subscription goes, so "updated" events come first.
    changes = bot_ddp.changed(USER, f"{uid}/subscriptions-changed")
    subscriptions = [f["fields"]["args"] for f in changes]
    assert subscriptions[-1][0] == "removed" and subscriptions[-1][1]["rid"] == "GENERAL"
    rooms = [f["fields"]["args"][0] for f in bot_ddp.changed(USER, f"{uid}/rooms-changed")]
    assert "removed" not in rooms


def test_an_image_lists_its_thumbnail_and_points_the_preview_at_it(
    sandbox: RocketChatSandbox,
) -> None:
    message = _upload(sandbox, "ma photo.png", "image/png", png(960, 720))
    original, thumb = message["files"]
    assert original["name"] == "ma photo.png" and original["format"] == "png"
    assert original["typeGroup"] == "image" and message["file"] == original
    assert thumb["name"] == "thumb-ma photo.png" and thumb["typeGroup"] == "thumb"
    assert thumb["type"] == "image/png" and thumb["format"] == "png"
    (attachment,) = message["attachments"]
    assert attachment["fileId"] == original["_id"]
    assert attachment["title_link"] == f"/file-upload/{original['_id']}/ma%20photo.png"
    assert attachment["image_url"] == f"/file-upload/{thumb['_id']}/ma%20photo.png"
    assert attachment["image_dimensions"] == {"width": 480, "height": 360}
    assert "format" not in attachment and "size" not in attachment


def test_small_images_and_other_files_have_no_thumbnail(sandbox: RocketChatSandbox) -> None:
    small = _upload(sandbox, "icone.png", "image/png", png(32, 32))
    assert [f["name"] for f in small["files"]] == ["icone.png"]
    assert small["attachments"][0]["image_dimensions"] == {"width": 32, "height": 32}
    document = _upload(sandbox, "compte rendu", "application/pdf", b"%PDF-1")
    (entry,) = document["files"]
    assert entry["format"] == "" and entry["typeGroup"] == "application"
    attachment = document["attachments"][0]
    assert attachment["format"] == "file" and attachment["size"] == 6  # getFileExtension
    assert attachment["fileId"] == entry["_id"]


async def test_the_encoded_file_link_downloads(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    message = _upload(sandbox, "été 2024.pdf", "application/pdf", b"%PDF-1")
    link = message["attachments"][0]["title_link"]
    assert link.endswith("/%C3%A9t%C3%A9%202024.pdf")
    async with http.get(f"{sandbox.url}{link}", headers=bot_headers(sandbox)) as response:
        assert response.status == 200 and await response.read() == b"%PDF-1"


async def test_im_members_lists_a_direct_room_with_filter(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    room = sandbox.state.direct_post("marie", seed.BOT_USERNAME, "salut").message
    assert room is not None
    for endpoint in ("im.members", "dm.members"):
        status, body = await _rest(sandbox, http, "GET", endpoint,
                                   params={"roomId": room["rid"]})
        assert status == 200
        assert sorted(m["username"] for m in body["members"]) == [seed.BOT_USERNAME, "marie"]
        assert (body["count"], body["offset"], body["total"]) == (2, 0, 2)
        assert set(body["members"][0]) == {"_id", "username", "name", "status", "statusText",
                                           "utcOffset", "subscription"}
    status, body = await _rest(sandbox, http, "GET", "im.members",
                               params={"username": "marie", "filter": "MAR"})
    assert status == 200 and [m["username"] for m in body["members"]] == ["marie"]
    assert body["total"] == 1


async def test_im_members_errors(sandbox: RocketChatSandbox, http: aiohttp.ClientSession) -> None:
    status, body = await _rest(sandbox, http, "GET", "im.members", params={})
    assert (status, body["errorType"]) == (400, "error-room-param-not-provided")
    status, body = await _rest(sandbox, http, "GET", "im.members", params={"roomId": "GENERAL"})
    assert (status, body["errorType"]) == (400, "error-room-not-found")


async def test_send_message_inner_fields_are_nullable_and_open(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    inner = {"rid": "GENERAL", "msg": "bonjour", "tmid": None, "alias": None, "future": 1}
    status, body = await _rest(sandbox, http, "POST", "chat.sendMessage",
                               json={"message": inner})
    assert status == 200 and body["message"]["msg"] == "bonjour"
    assert "tmid" not in body["message"]
    status, body = await _rest(sandbox, http, "POST", "chat.sendMessage",
                               json={"message": {"rid": "GENERAL", "msg": "x"}, "future": 1})
    assert status == 400 and body["errorType"] == "invalid-params"
    assert body["error"] == "must NOT have additional properties [invalid-params]"


async def test_sync_messages_refuses_an_invalid_last_update(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _rest(sandbox, http, "GET", "chat.syncMessages",
                               params={"roomId": "GENERAL", "lastUpdate": "hier"})
    assert status == 400
    assert body == {
        "success": False,
        "error": 'The "lastUpdate" query parameter must be a valid date '
                 "[error-lastUpdate-param-invalid]",
        "errorType": "error-lastUpdate-param-invalid",
    }
