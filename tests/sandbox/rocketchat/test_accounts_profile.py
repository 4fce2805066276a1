"""New accounts joining the default rooms, own name and avatar changes, big control posts."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from tests.sandbox.rocketchat.conftest import bot_headers
from tests.sandbox.rocketchat.png import png


async def _control(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession, action: str, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{sandbox.url}/_sandbox/{action}", json=body) as response:
        return response.status, await response.json()


async def test_a_registered_account_joins_the_default_rooms_with_a_uj_message(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _control(sandbox, http, "register", {"username": "paul"})
    assert status == 200
    joined = [m for m in sandbox.state.messages("general") if m.get("t") == "uj"]
    assert [(m["msg"], m["u"]["username"]) for m in joined] == [("paul", "paul")]
    # Only the default rooms: the team's private group and the other channel are untouched.
    for room in ("equipe-projet", "sans-bot"):
        assert not [m for m in sandbox.state.messages(room) if m.get("t") == "uj"]
    room = sandbox.state.store.room("general")
    assert body["user_id"] in room.members and room.to_wire()["default"] is True


async def test_the_bot_changes_its_own_name_and_avatar_unless_the_settings_forbid(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    headers = bot_headers(sandbox)
    api = f"{sandbox.url}/api/v1"
    async with http.post(f"{api}/users.updateOwnBasicInfo", headers=headers,
                         json={"data": {"name": "Mairie de Lyon"}}) as response:
        assert response.status == 200
        assert (await response.json())["user"]["name"] == "Mairie de Lyon"
    image = png(4, 4)
    form = aiohttp.FormData()
    form.add_field("image", image, filename="logo.png", content_type="image/png")
    async with http.post(f"{api}/users.setAvatar", headers=headers, data=form) as response:
        assert response.status == 200
    async with http.get(f"{sandbox.url}/avatar/ensemble-bot") as response:
        assert await response.read() == image and response.content_type == "image/png"
    sandbox.state.update_settings({"Accounts_AllowRealNameChange": False})
    async with http.post(f"{api}/users.updateOwnBasicInfo", headers=headers,
                         json={"data": {"name": "Autre"}}) as response:
        body = await response.json()
        assert response.status == 400 and body["errorType"] == "error-action-not-allowed"
    async with http.post(f"{api}/users.setAvatar", headers=headers,
                         json={"avatarUrl": "http://127.0.0.1:1/none.png",
                               "userId": sandbox.state.user_id("marie")}) as response:
        assert response.status == 400  # another person's avatar needs edit-other-user-avatar


async def test_the_control_api_takes_a_file_of_several_megabytes(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    content = bytes(6 * 1024 * 1024)
    file = {"name": "gros.pdf", "type": "application/pdf",
            "content_base64": base64.b64encode(content).decode()}
    payload = json.dumps({"username": "marie", "room": "general", "file": file}).encode()
    assert len(payload) > 8 * 1024 * 1024  # base64 of 6 MB: above aiohttp's 1 MiB default
    async with http.post(f"{sandbox.url}/_sandbox/post", data=io.BytesIO(payload),
                         headers={"Content-Type": "application/json"}) as response:
        assert response.status == 200
        body = await response.json()
    assert body["message"]["file"]["size"] == len(content)
