"""The `/_sandbox/` control API: simulated clients, buttons, calls, reads."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.state import seed
from sandbox.rocketchat.state.messages import send_message


async def _control(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession, action: str, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{sandbox.url}/_sandbox/{action}", json=body) as response:
        return response.status, await response.json()


async def _read(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession, path: str, params: dict[str, str]
) -> dict[str, Any]:
    async with http.get(f"{sandbox.url}/_sandbox/{path}", params=params) as response:
        result: dict[str, Any] = await response.json()
        return result


async def test_web_client_swallows_unknown_slash_commands_unless_allowed(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    post = {"username": "marie", "room": "general", "text": "/reunion demain", "client": "web"}
    status, body = await _control(sandbox, http, "post", post)
    assert status == 200
    assert body["sent"] is False and body["reason"] == "no-such-command"
    assert body["ephemeral"] == "No such command: `/reunion`"
    assert sandbox.state.messages("general") == []
    status, body = await _control(sandbox, http, "post", {**post, "text": "!reunion demain"})
    assert body["sent"] is True
    await _control(sandbox, http, "settings", {"Message_AllowUnrecognizedSlashCommand": True})
    status, body = await _control(sandbox, http, "post", post)
    assert body["sent"] is True and body["message"]["msg"] == "/reunion demain"


async def test_mobile_client_posts_unknown_commands_whatever_the_setting(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _control(sandbox, http, "post", {
        "username": "jean", "room": "general", "text": "/reunion", "client": "mobile"})
    assert body["sent"] is True
    # a registered core command is executed, never posted
    status, body = await _control(sandbox, http, "post", {
        "username": "jean", "room": "general", "text": "/shrug", "client": "web"})
    assert body["sent"] is False and body["reason"] == "slash-command-executed"


async def test_button_click_posts_its_msg_as_the_clicking_user(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    bot = sandbox.state.store.user(seed.BOT_USERNAME)
    buttons = [{"actions": [
        {"type": "button", "text": "Oui", "msg": "!reunion oui", "msg_in_chat_window": True},
        {"type": "button", "text": "Web", "url": "https://example.org"}]}]
    message = send_message(sandbox.state.store, bot, sandbox.state.store.room("general"),
                           {"msg": "Confirmer ?", "attachments": buttons})
    assert message is not None
    status, body = await _control(sandbox, http, "click", {
        "username": "alice", "message_id": message["_id"], "button": "Oui"})
    assert body["sent"] is True
    assert body["message"]["msg"] == "!reunion oui"
    assert body["message"]["u"]["username"] == "alice"
    status, body = await _control(sandbox, http, "click", {
        "username": "alice", "message_id": message["_id"], "button": 1})
    assert body["sent"] is False and body["reason"] == "opened-url:https://example.org"
    status, body = await _control(sandbox, http, "click", {
        "username": "alice", "message_id": message["_id"], "button": "Non"})
    assert status == 400


async def test_call_button_creates_a_videoconf_message(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _control(sandbox, http, "call", {"username": "luc",
                                                          "room": "equipe-projet"})
    assert status == 200
    message = sandbox.state.store.messages[body["message_id"]]
    assert message["t"] == "videoconf" and message["blocks"][0]["callId"] == body["call_id"]
    assert sandbox.state.store.calls[body["call_id"]].users[0]["username"] == "luc"


async def test_messages_since_and_dms(sandbox: RocketChatSandbox,
                                      http: aiohttp.ClientSession) -> None:
    sandbox.state.post("marie", "general", "avant")
    sandbox.state.store.clock.advance(5)
    cut = sandbox.state.store.now()
    sandbox.state.store.clock.advance(1)
    sandbox.state.post("marie", "general", "après")
    body = await _read(sandbox, http, "messages", {"room": "GENERAL",
                                                   "since": cut.isoformat()})
    assert [m["msg"] for m in body["messages"]] == ["après"]
    sandbox.state.direct_post(seed.BOT_USERNAME, "jean", "ton lien")
    sandbox.state.direct_post("jean", seed.BOT_USERNAME, "merci")
    body = await _read(sandbox, http, "dms", {"username": "jean"})
    assert [m["msg"] for m in body["messages"]] == ["ton lien"]
    async with http.get(f"{sandbox.url}/_sandbox/messages", params={"room": "nope"}) as resp:
        assert resp.status == 400


async def test_users_rooms_and_files_through_http(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, user = await _control(sandbox, http, "users", {
        "username": "paul", "name": "Paul Éluard", "roles": ["user", "crise"], "token": True})
    assert status == 200 and len(user["user_id"]) == 17 and user["token"]
    status, room = await _control(sandbox, http, "rooms", {
        "name": "atelier", "type": "p", "members": ["paul", seed.BOT_USERNAME],
        "owner": "paul"})
    assert room["type"] == "p"
    content = base64.b64encode(b"ordre du jour").decode()
    status, body = await _control(sandbox, http, "post", {
        "username": "paul", "room": room["room_id"], "text": "voici",
        "file": {"name": "odj.txt", "content_base64": content, "type": "text/plain"}})
    attachment = body["message"]["attachments"][0]
    headers = {"X-User-Id": user["user_id"], "X-Auth-Token": user["token"]}
    async with http.get(f"{sandbox.url}{attachment['title_link']}", headers=headers) as resp:
        assert await resp.read() == b"ordre du jour"
    status, body = await _control(sandbox, http, "rooms", {"type": "d",
                                                           "members": ["paul", "marie"]})
    assert body["type"] == "d"
    status, body = await _control(sandbox, http, "users", {"username": "paul"})
    assert status == 400


async def test_edit_react_delete_through_http(sandbox: RocketChatSandbox,
                                              http: aiohttp.ClientSession) -> None:
    mid = sandbox.state.post("marie", "general", "v1").message
    assert mid is not None
    status, body = await _control(sandbox, http, "edit", {"username": "marie",
                                                          "message_id": mid["_id"],
                                                          "text": "v2"})
    assert body["message"]["msg"] == "v2"
    status, body = await _control(sandbox, http, "react", {"username": "jean",
                                                           "message_id": mid["_id"],
                                                           "emoji": ":tada:"})
    assert body["message"]["reactions"] == {":tada:": {"usernames": ["jean"]}}
    status, body = await _control(sandbox, http, "delete", {"username": "jean",
                                                            "message_id": mid["_id"]})
    assert status == 400  # jean may not delete marie's message
    status, body = await _control(sandbox, http, "delete", {"username": "marie",
                                                            "message_id": mid["_id"]})
    assert body == {"deleted": mid["_id"]}


async def test_describe_and_env(sandbox: RocketChatSandbox,
                                http: aiohttp.ClientSession) -> None:
    described = await _read(sandbox, http, "describe", {})
    assert described == sandbox.describe()
    assert described["bot"]["token"] == sandbox.bot_token
    usernames = {u["username"] for u in described["users"]}
    assert usernames == {seed.BOT_USERNAME, "admin", "marie", "jean", "sophie", "luc", "alice"}
    rooms = {r["name"]: r for r in described["rooms"]}
    assert seed.BOT_USERNAME not in rooms["sans-bot"]["members"]
    assert rooms["equipe-projet"]["type"] == "p"
    env = sandbox.env()
    assert env["ENSEMBLE_ROCKETCHAT__URL"] == sandbox.url
    assert env["ENSEMBLE_ROCKETCHAT__USER_ID"] == described["bot"]["user_id"]
    assert env["ENSEMBLE_ROCKETCHAT__USERNAME"] == seed.BOT_USERNAME


async def test_unseeded_sandbox_is_empty_and_latency_fault_delays(
    http: aiohttp.ClientSession,
) -> None:
    empty = RocketChatSandbox(seed=False)
    await empty.start()
    try:
        assert empty.describe()["users"] == []
        empty.runtime.faults.update({"latency_ms": 150})
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with http.get(f"{empty.url}/api/v1/me") as response:
            assert response.status == 401
        assert loop.time() - started >= 0.15
    finally:
        await empty.stop()


def test_id_seed_makes_ids_reproducible() -> None:
    first, second = RocketChatSandbox(id_seed=7), RocketChatSandbox(id_seed=7)
    ids = [sandbox.state.post("marie", "general", "x").message for sandbox in (first, second)]
    assert ids[0] is not None and ids[1] is not None
    assert ids[0]["_id"] == ids[1]["_id"]
