"""The companion app's slash commands into the bot: signed, fresh, answered once in place."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.testing import AGENT, TEAM_ROOM
from composition.testing import BotHarness, make_settings, sqlite_url
from integrations.rocketchat.companion import CALL_LINK_PATH, CALL_PATH, COMMAND_PATH
from integrations.rocketchat.settings import RocketChatSettings
from integrations.rocketchat.signature import SIGNATURE_HEADER, signed_headers

SECRET = "s3cret-shared-with-the-app-0123456789"


def invocation(trigger_id: str = "trig-1", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "trigger_id": trigger_id,
        "command": "aide",
        "arguments": ["reunion"],
        "user": {"id": AGENT.id, "username": AGENT.username, "name": AGENT.display_name},
        "room": {"id": TEAM_ROOM.id, "name": TEAM_ROOM.name, "type": "p"},
        "thread_id": None,
    }
    body.update(changes)
    return body


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[BotHarness]:
    settings = make_settings(
        sqlite_url(tmp_path), rocketchat=RocketChatSettings(app_secret=SECRET)
    )
    async with BotHarness(settings) as running:
        yield running


@pytest.fixture
async def url(bot: BotHarness) -> AsyncIterator[str]:
    server = TestServer(bot.app.runtime.web, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url(COMMAND_PATH))
    await server.close()


async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    headers = {"Content-Type": "application/json", **headers}
    async with aiohttp.ClientSession() as http, http.post(
        url, data=body, headers=headers
    ) as response:
        return response.status


def signed(body: dict[str, Any], *, age: int = 0) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    return raw, signed_headers(SECRET.encode(), int(time.time()) - age, raw)


async def test_a_signed_invocation_is_answered_in_the_room_once(
    bot: BotHarness, url: str
) -> None:
    body, headers = signed(invocation())
    assert await post(url, body, headers) == 200
    assert await post(url, body, headers) == 200  # the app retried: the same trigger id
    answers = [s for s in bot.chat.sent if s.room_id == TEAM_ROOM.id]
    assert len(answers) == 1
    assert "/reunion" in answers[0].message.text
    # No message shows a native slash command: the answer starts no thread on a phantom root.
    assert answers[0].message.thread_id is None


async def test_an_invocation_typed_in_a_thread_is_answered_in_that_thread(
    bot: BotHarness, url: str
) -> None:
    body, headers = signed(invocation("trig-2", thread_id="thread-root"))
    assert await post(url, body, headers) == 200
    [answer] = [s for s in bot.chat.sent if s.room_id == TEAM_ROOM.id]
    assert answer.message.thread_id == "thread-root"
    assert not answer.message.also_in_room


async def test_unsigned_tampered_and_stale_invocations_get_401_and_change_nothing(
    bot: BotHarness, url: str
) -> None:
    body, headers = signed(invocation("trig-3"))
    unsigned = {k: v for k, v in headers.items() if k != SIGNATURE_HEADER}
    tampered = body.replace(b'"aide"', b'"help"')
    stale_body, stale_headers = signed(invocation("trig-4"), age=6 * 60)
    assert await post(url, body, unsigned) == 401
    assert await post(url, tampered, headers) == 401
    assert await post(url, stale_body, stale_headers) == 401
    assert await post(url, body, {**headers, SIGNATURE_HEADER: "v1=" + "0" * 64}) == 401
    assert bot.chat.sent == []


async def test_a_signed_body_that_is_no_invocation_gets_400(bot: BotHarness, url: str) -> None:
    for wrong in ({"command": "aide"}, invocation(room={"id": "r", "name": "x", "type": "l"})):
        body, headers = signed(wrong)
        assert await post(url, body, headers) == 400
    assert bot.chat.sent == []


async def test_a_bad_argument_is_answered_with_the_usage_like_a_typed_command(
    bot: BotHarness, url: str
) -> None:
    body, headers = signed(invocation("trig-5", command="reunion", arguments=["annuler", "x"]))
    assert await post(url, body, headers) == 200
    [answer] = [s for s in bot.chat.sent if s.room_id == TEAM_ROOM.id]
    assert "n’est pas un numéro de réunion" in answer.message.text
    assert "/reunion annuler <numéro>" in answer.message.text


async def test_without_a_shared_secret_the_route_does_not_exist(tmp_path: Path) -> None:
    async with BotHarness(make_settings(sqlite_url(tmp_path))) as bot:
        server = TestServer(bot.app.runtime.web, host="127.0.0.1")
        await server.start_server()
        try:
            body, headers = signed(invocation())
            assert await post(str(server.make_url(COMMAND_PATH)), body, headers) == 404
        finally:
            await server.close()


async def test_without_jitsi_the_call_routes_say_so_and_record_nothing(
    bot: BotHarness, url: str
) -> None:
    call_url = url.replace(COMMAND_PATH, CALL_PATH)
    body, headers = signed({
        "call_id": "call-1",
        "room": {"id": TEAM_ROOM.id, "name": TEAM_ROOM.name, "type": "p"},
        "user": {"id": AGENT.id, "username": AGENT.username, "name": AGENT.display_name},
        "title": "",
    })
    assert await post(call_url, body, headers) == 503
    link_url = url.replace(COMMAND_PATH, CALL_LINK_PATH)
    body, headers = signed({"call_id": "call-1", "user": None})
    assert await post(link_url, body, headers) == 404
    body, headers = signed({"call_id": "", "user": None})
    assert await post(link_url, body, headers) == 400
