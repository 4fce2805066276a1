"""The real bot process against the whole sandbox: meetings, shares and cards end to end."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
from babel.dates import format_date

from sandbox.stack import SandboxStack
from tests.e2e.conftest import RunningBot, download_as_bot, start_bot, stop_bot

ROOM = "equipe-projet"
JWT_PATTERN = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+")


@pytest.fixture
async def bot(stack: SandboxStack, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = await start_bot(
        stack.rocketchat, tmp_path, stack.env(), ENSEMBLE_WEKAN__POLL_INTERVAL_SECONDS="5"
    )
    yield running
    await stop_bot(running)


def room_text(bot: RunningBot, room: str = ROOM) -> str:
    return json.dumps(bot.bot_messages(room), ensure_ascii=False, default=str)


def dms(bot: RunningBot, username: str) -> list[dict[str, Any]]:
    return [m for m in bot.sandbox.state.dms(username) if m["u"]["username"] == "ensemble-bot"]


def claims_of(text: str, secret: str) -> dict[str, Any]:
    token = JWT_PATTERN.search(text)
    assert token is not None, text
    decoded: dict[str, Any] = jwt.decode(
        token.group(0), secret, algorithms=["HS256"], audience="ensemble"
    )
    return decoded


async def control(url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    async with aiohttp.ClientSession() as http:
        method = http.post if body is not None else http.get
        async with method(f"{url}/_sandbox/{path}", json=body) as response:
            return await response.json()


async def test_scheduled_meeting_posts_button_and_ics_without_any_token(
    bot: RunningBot, stack: SandboxStack
) -> None:
    bot.sandbox.state.post("marie", ROOM, "/reunion point hebdo demain 10h", client="mobile")
    await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) >= 2, what="announcement and .ics")
    announcement, invitation = bot.bot_messages(ROOM)[:2]
    actions = announcement["attachments"][0]["actions"]
    assert [a["text"] for a in actions] == ["Rejoindre"]
    assert actions[0]["msg"].startswith("!reunion rejoindre ")
    assert invitation["files"][0]["name"] == "reunion.ics"
    link = invitation["attachments"][0]["title_link"]
    ics = await download_as_bot(stack.rocketchat.url, stack.env(), link)
    assert b"BEGIN:VEVENT" in ics and b"TZID=Europe/Paris" in ics
    assert not JWT_PATTERN.search(room_text(bot)) and b"jwt=" not in ics
    assert "jwt=" not in room_text(bot)


async def test_call_button_and_rejoindre_give_personal_member_links(
    bot: RunningBot, stack: SandboxStack
) -> None:
    state = bot.sandbox.state
    secret = stack.env()["ENSEMBLE_JITSI__APP_SECRET"]
    call = state.call("marie", ROOM)
    await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) >= 1, what="the call answer")
    answer = bot.bot_messages(ROOM)[0]
    assert answer["tmid"] == call["message_id"]
    await bot.wait_for(lambda: len(dms(bot, "jean")) >= 1, what="jean's link")
    before = len(dms(bot, "jean"))
    button = answer["attachments"][0]["actions"][0]["text"]
    state.click("jean", answer["_id"], button)
    await bot.wait_for(lambda: len(dms(bot, "jean")) > before, what="a fresh link for jean")
    claims = claims_of(dms(bot, "jean")[-1]["msg"], secret)
    user = claims["context"]["user"]
    assert claims["moderator"] is False
    assert (user["affiliation"], user["moderator"], user["lobby_bypass"]) == (
        "member",
        False,
        True,
    )
    assert claims["room"] != "*" and claims["room"].endswith(call["call_id"].lower())
    organizer = claims_of(dms(bot, "marie")[-1]["msg"], secret)
    assert organizer["context"]["user"]["affiliation"] == "owner"
    assert not JWT_PATTERN.search(room_text(bot)) and not JWT_PATTERN.search(
        bot.log_path.read_text()
    )


async def test_partage_on_a_posted_file_links_in_room_and_password_by_dm(
    bot: RunningBot, stack: SandboxStack
) -> None:
    nextcloud = stack.nextcloud.url
    await control(
        nextcloud,
        "policy",
        {
            "password_enforced": True,
            "expire_date_enabled": True,
            "expire_date_days": 7,
            "expire_date_enforced": True,
        },
    )
    content = b"Compte rendu de la reunion\n" * 50
    posted = bot.sandbox.state.post(
        "marie",
        ROOM,
        "le compte rendu",
        file={
            "name": "compte-rendu.txt",
            "type": "text/plain",
            "content_base64": base64.b64encode(content).decode(),
        },
    )
    file_message = posted.message["_id"]
    bot.sandbox.state.post("marie", ROOM, "/partage --expire 30j", tmid=file_message)
    await bot.wait_for(lambda: "index.php/s/" in room_text(bot), timeout=30, what="the link")
    await bot.wait_for(lambda: len(dms(bot, "marie")) >= 1, what="the password by DM")
    shares = await control(nextcloud, "shares")
    link = next(s for s in shares if s["share_type"] == 3)
    password = re.findall(r"`([^`\s]{12,})`", dms(bot, "marie")[-1]["msg"])[-1]
    check = await control(nextcloud, f"shares/{link['id']}/check-password", {"password": password})
    assert check == {"protected": True, "match": True}
    assert password not in room_text(bot)
    assert password not in bot.log_path.read_text()
    stored = await control(nextcloud, f"file/ensemble-bot?path={link['path']}")
    assert base64.b64decode(stored["content_base64"]) == content
    # The 30-day request was clamped to the 7 days the server enforces, counted from the
    # server's own day (UTC here), and the user told.
    expiry = format_date(datetime.now(UTC).date() + timedelta(days=7), "long", locale="fr")
    assert f"Il expire le {expiry}." in room_text(bot)
    assert "Nextcloud autorise des liens de 7 jours au plus" in room_text(bot)


async def test_partage_refuses_a_path_escaping_the_share_folder(
    bot: RunningBot, stack: SandboxStack
) -> None:
    bot.sandbox.state.post("marie", ROOM, "/partage ../../etc/passwd")
    await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) >= 1, what="the refusal")
    assert "Un chemin ne peut pas remonter avec «\u202f..\u202f»" in room_text(bot)
    assert await control(stack.nextcloud.url, "shares") == []


async def test_tache_creates_the_card_and_a_ui_move_comes_back_to_the_room(
    bot: RunningBot, stack: SandboxStack
) -> None:
    state = bot.sandbox.state
    state.post("marie", ROOM, "/kanban lier Équipe projet")
    await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) >= 1, what="the link")
    state.post("marie", ROOM, "/tache Appeler la préfecture @marie --echeance demain")
    await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) >= 2, what="the confirmation")
    assert "Appeler la préfecture" in bot.bot_messages(ROOM)[1]["msg"]
    wekan = await control(stack.wekan.url, "state")
    board = next(b for b in wekan["boards"] if b["title"] == "Équipe projet")
    card = next(c for c in board["cards"] if c["title"] == "Appeler la préfecture")
    marie = next(u for u in wekan["users"] if u["username"] == "marie")
    assert marie["_id"] in card["assignees"] and card["dueAt"]
    await control(
        stack.wekan.url,
        "ui/move-card",
        {"username": "jean", "card_id": card["_id"], "list": "En cours"},
    )
    await bot.wait_for(
        lambda: len(bot.bot_messages(ROOM)) >= 3, timeout=20, what="the move announced by polling"
    )
    assert "En cours" in bot.bot_messages(ROOM)[2]["msg"]


async def test_a_room_owner_may_revoke_a_share_another_member_may_not(
    bot: RunningBot, stack: SandboxStack
) -> None:
    state = bot.sandbox.state
    posted = state.post(
        "jean",
        ROOM,
        "notes",
        file={
            "name": "notes.txt",
            "type": "text/plain",
            "content_base64": base64.b64encode(b"notes").decode(),
        },
    )
    state.post("jean", ROOM, "/partage", tmid=posted.message["_id"])
    await bot.wait_for(lambda: "index.php/s/" in room_text(bot), timeout=30, what="the link")
    assert len(await control(stack.nextcloud.url, "shares")) == 1
    # The share posts more than one message; wait for each answer's own words, not a count.
    state.post("luc", ROOM, "/partage revoquer 1")
    await bot.wait_for(lambda: "Seule la personne" in room_text(bot), what="luc's refusal")
    assert len(await control(stack.nextcloud.url, "shares")) == 1
    state.post("marie", ROOM, "/partage revoquer 1")  # marie owns #equipe-projet
    await bot.wait_for(lambda: "est révoqué" in room_text(bot), what="the revocation")
    assert await control(stack.nextcloud.url, "shares") == []
