"""The companion app's recorded requests replayed against the real bot process on the sandbox.

The fixtures are what the app's own tests captured (rocketchat-app/test/, written to
tests/contract/rocketchat_app/): the body bytes are sent exactly as recorded. The recorded
signature was made at the fixture's `signed_at`, long ago, so as recorded the request is an old
one and must be refused; to play it as the app would send it now, only the timestamp header is
renewed and the signature recomputed the app's way over the same bytes.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest

from bot.config import PROJECT_ROOT
from integrations.rocketchat.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from sandbox.rocketchat import RocketChatSandbox
from sandbox.stack import SandboxStack
from tests.e2e.conftest import RunningBot, start_bot, stop_bot

FIXTURE = PROJECT_ROOT / "tests" / "contract" / "rocketchat_app" / "command_aide.json"
ROOM = "equipe-projet"
JWT_PATTERN = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+")
# The words of /aide reunion's answer: the command's own title line.
ANSWER = "**/reunion**"


@pytest.fixture
def recorded() -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads(FIXTURE.read_text("utf-8"))
    return fixture


@pytest.fixture
async def bot(
    rocketchat: RocketChatSandbox, tmp_path: Path, recorded: dict[str, Any]
) -> AsyncIterator[RunningBot]:
    running = await start_bot(
        rocketchat, tmp_path, ENSEMBLE_ROCKETCHAT__APP_SECRET=recorded["secret"]
    )
    yield running
    await stop_bot(running)


def renewed(recorded: dict[str, Any], body: bytes) -> dict[str, str]:
    """The recorded headers, sent now: a fresh timestamp, signed as the app signs."""
    now = int(time.time())
    headers = dict(recorded["headers"])
    headers[TIMESTAMP_HEADER] = str(now)
    headers[SIGNATURE_HEADER] = sign(recorded["secret"].encode(), now, body)
    return headers


async def replay(bot: RunningBot, recorded: dict[str, Any], body: bytes,
                 headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as http, http.post(
        bot.http_url + recorded["path"], data=body, headers=headers
    ) as response:
        return response.status


def answers(bot: RunningBot) -> list[dict[str, Any]]:
    return [m for m in bot.bot_messages(ROOM) if ANSWER in m.get("msg", "")]


async def test_a_recorded_invocation_sent_now_is_answered_once_in_the_room(
    bot: RunningBot, recorded: dict[str, Any]
) -> None:
    body = recorded["body"].encode()
    assert await replay(bot, recorded, body, renewed(recorded, body)) == 200
    await bot.wait_for(lambda: bool(answers(bot)), what="the answer to /aide reunion")
    # The app retries (a timeout on its side): the same trigger id is not answered again. The
    # bot answers the request once the command is handled, so nothing is still on its way.
    assert await replay(bot, recorded, body, renewed(recorded, body)) == 200
    [answer] = answers(bot)
    assert answer.get("tmid") is None  # no message shows a slash command: no thread on one
    assert "/reunion liste" in answer["msg"]


async def test_old_tampered_and_unsigned_requests_get_401_and_change_nothing(
    bot: RunningBot, recorded: dict[str, Any]
) -> None:
    body = recorded["body"].encode()
    as_recorded = await replay(bot, recorded, body, recorded["headers"])
    tampered_body = body.replace(b'"reunion"', b'"partage"')
    tampered = await replay(bot, recorded, tampered_body, renewed(recorded, body))
    unsigned_headers = {k: v for k, v in renewed(recorded, body).items()
                        if k != SIGNATURE_HEADER}
    unsigned = await replay(bot, recorded, body, unsigned_headers)
    assert (as_recorded, tampered, unsigned) == (401, 401, 401)
    # The same bytes, signed now, are then answered: the refusals claimed nothing.
    assert await replay(bot, recorded, body, renewed(recorded, body)) == 200
    await bot.wait_for(lambda: bool(answers(bot)), what="the answer to /aide reunion")
    assert len(bot.bot_messages(ROOM)) == 1


CONTRACT = FIXTURE.parent


def fixture_named(name: str) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads((CONTRACT / f"{name}.json").read_text("utf-8"))
    return fixture


async def ask(bot: RunningBot, name: str, *, fresh: bool = True) -> tuple[int, str]:
    """Replays a recorded provider request; the status and the URL the bot answered."""
    fixture = fixture_named(name)
    body = fixture["body"].encode()
    headers = renewed(fixture, body) if fresh else fixture["headers"]
    async with aiohttp.ClientSession() as http, http.post(
        bot.http_url + fixture["path"], data=body, headers=headers
    ) as response:
        answer = await response.json()
        return response.status, str(answer.get("url", ""))


def claims(url: str, secret: str) -> dict[str, Any] | None:
    token = JWT_PATTERN.search(url)
    if token is None:
        return None
    decoded: dict[str, Any] = jwt.decode(
        token.group(0), secret, algorithms=["HS256"], audience="ensemble"
    )
    return decoded


@pytest.fixture
async def stack_bot(stack: SandboxStack, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = await start_bot(
        stack.rocketchat, tmp_path, stack.env(),
        ENSEMBLE_ROCKETCHAT__APP_SECRET=fixture_named("call_open")["secret"],
    )
    yield running
    await stop_bot(running)


async def test_the_call_button_as_ensemble_meetings_signs_links_for_members_only(
    stack_bot: RunningBot, stack: SandboxStack
) -> None:
    secret = stack.env()["ENSEMBLE_JITSI__APP_SECRET"]
    assert await ask(stack_bot, "call_link_member") == (404, "")  # no such call yet
    status, public = await ask(stack_bot, "call_open")
    assert status == 200
    assert public.startswith(stack.env()["ENSEMBLE_JITSI__BASE_URL"])
    assert claims(public, secret) is None  # the call's own URL carries no token
    assert await ask(stack_bot, "call_open") == (200, public)  # asked again: the same meeting
    organizer, member = await ask(stack_bot, "call_link_organizer"), await ask(
        stack_bot, "call_link_member"
    )
    owner_claims, member_claims = claims(organizer[1], secret), claims(member[1], secret)
    assert owner_claims is not None and member_claims is not None
    assert owner_claims["context"]["user"]["affiliation"] == "owner"
    assert member_claims["context"]["user"]["affiliation"] == "member"
    assert member_claims["context"]["user"]["lobby_bypass"] is True
    # admin is not in the room, and an anonymous guest is nobody: the lobby, no token.
    for outsider in ("call_link_outsider", "call_link_anonymous"):
        status, url = await ask(stack_bot, outsider)
        assert (status, claims(url, secret)) == (200, None)
        assert url.split("#")[0] == public.split("#")[0]
    assert (await ask(stack_bot, "call_link_member", fresh=False))[0] == 401
