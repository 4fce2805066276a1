"""/reunion through the real executable and the sandbox Rocket.Chat: what people saw."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jwt
import pytest
from icalendar import Calendar

from sandbox.rocketchat import RocketChatSandbox
from tests.e2e.conftest import RunningBot, download_as_bot, start_bot, stop_bot

ROOM = "equipe-projet"
SECRET = "jitsi-secret-de-la-ville-0123456789abcdef"
JWT_PATTERN = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+")
NUMBER = re.compile(r"n°\s(\d+)")


@pytest.fixture
async def bot(rocketchat: RocketChatSandbox, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = await start_bot(
        rocketchat,
        tmp_path,
        ENSEMBLE_JITSI__BASE_URL="https://visio.example.org",
        ENSEMBLE_JITSI__APP_SECRET=SECRET,
        ENSEMBLE_JITSI__TOKEN_IN_FRAGMENT="true",
    )
    yield running
    await stop_bot(running)


def from_bot(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if m["u"]["username"] == "ensemble-bot"]


async def fetch(bot: RunningBot, path: str) -> bytes:
    return await download_as_bot(bot.sandbox.url, bot.sandbox.env(), path)


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


async def test_a_past_moment_is_refused_and_a_cancelled_meeting_leaves_the_calendars(
    bot: RunningBot,
) -> None:
    state = bot.sandbox.state
    state.post("marie", ROOM, "/reunion hier 10h")
    await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) >= 1, what="the refusal")
    refusal = plain(bot.bot_messages(ROOM)[0]["msg"])
    assert refusal.startswith("Ce moment est déjà passé : hier 10h.") and "Utilisation" in refusal

    state.post("marie", ROOM, "/reunion point hebdo demain 10h")
    await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) >= 3, what="announcement and .ics")
    announcement, invitation = bot.bot_messages(ROOM)[1:3]
    match = NUMBER.search(announcement["msg"])
    assert match is not None, announcement["msg"]
    invited = Calendar.from_ical(await fetch(bot, invitation["attachments"][0]["title_link"]))

    state.post("marie", ROOM, f"/reunion annuler {match.group(1)}")
    await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) >= 5, what="the cancellation .ics")
    notice, cancel = bot.bot_messages(ROOM)[3:5]
    assert "est annulée" in notice["msg"]
    assert cancel["files"][0]["name"].endswith(".ics")
    cancelled = Calendar.from_ical(await fetch(bot, cancel["attachments"][0]["title_link"]))
    assert str(cancelled["METHOD"]) == "CANCEL"
    [before], [after] = invited.events, cancelled.events
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["STATUS"]) == "CANCELLED"


async def test_a_meeting_in_a_direct_message_is_named_after_its_person_and_tokens_stay_private(
    bot: RunningBot,
) -> None:
    state = bot.sandbox.state
    state.direct_post("jean", "ensemble-bot", "/reunion")
    await bot.wait_for(lambda: len(from_bot(state.dms("jean"))) >= 2, what="meeting and link")
    announcement, link = from_bot(state.dms("jean"))[:2]
    assert "« Réunion de Jean Moulin »" in plain(announcement["msg"])
    assert "#" not in plain(announcement["msg"]).split("»")[0]
    # The web client's hash parser (parseURLParams.ts): split, decode, JSON.parse.
    fragment = link["msg"].split("#", 1)[1].split()[0]
    params = dict(part.split("=", 1) for part in fragment.split("&"))
    token = json.loads(unquote(params["jwt"]))
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="ensemble")
    user = claims["context"]["user"]
    assert user["name"] == "Jean Moulin" and re.fullmatch(r"[0-9a-f]{32}", user["id"])
    assert claims["context"] == {"user": user, "room": {"lobby": True}}
    assert state.user_id("jean") not in str(claims) and "avatar" not in str(claims)
    assert not JWT_PATTERN.search(announcement["msg"])
