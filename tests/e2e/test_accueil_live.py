"""The real bot process against the sandbox: newcomers welcomed once, heavy attachments turned
into links from the suggestion's button, and the bot wearing the administration's colours."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.state import rooms
from sandbox.stack import SandboxStack
from tests.e2e.conftest import RunningBot, start_bot, stop_bot

ROOM = "equipe-projet"
MB = 1024 * 1024


def let_the_bot_read_accounts(sandbox: RocketChatSandbox) -> None:
    """As the README asks of operators: the bot role may read roles and creation dates."""
    sandbox.state.store.granted.setdefault("bot", set()).add("view-full-other-user-info")


def welcomes(bot: RunningBot, username: str) -> list[str]:
    return [m["msg"] for m in bot.sandbox.state.dms(username)
            if m["u"]["username"] == "ensemble-bot" and "ENSEMBLE" in m["msg"]]


async def control(url: str, action: str, body: dict[str, Any]) -> Any:
    # A body of several megabytes goes as a stream (aiohttp warns about big raw bodies).
    payload = io.BytesIO(json.dumps(body).encode())
    async with aiohttp.ClientSession() as http, http.post(
        f"{url}/_sandbox/{action}", data=payload, headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def test_a_newcomer_is_welcomed_once_and_nobody_else(
    rocketchat: RocketChatSandbox, tmp_path: Path
) -> None:
    let_the_bot_read_accounts(rocketchat)
    state = rocketchat.state
    veteran = state.create_user("ancien", name="Ancien Agent")  # before the feature is on
    bot = await start_bot(rocketchat, tmp_path)
    try:
        # An existing account joining a default room later is no newcomer; nor is a bot.
        rooms.add_member(state.store, state.store.room("general"), veteran)
        await control(rocketchat.url, "register", {"username": "robot", "roles": ["bot"]})
        await control(rocketchat.url, "register", {"username": "paul", "name": "Paul Éluard"})
        await bot.wait_for(lambda: welcomes(bot, "paul"), what="paul's welcome")
        text = welcomes(bot, "paul")[0]
        assert text.startswith("Bienvenue sur ENSEMBLE, Paul Éluard\u202f!")
        assert "**RÉUNIONS**" in text and "`/reunion`" in text and rocketchat.url in text
        await control(rocketchat.url, "register", {"username": "zoe"})
        await bot.wait_for(lambda: welcomes(bot, "zoe"), what="zoe's welcome")
    finally:
        await stop_bot(bot)
    again = await start_bot(rocketchat, tmp_path)  # the same store: a restart
    try:
        await control(rocketchat.url, "register", {"username": "yves"})
        await again.wait_for(lambda: welcomes(again, "yves"), what="yves's welcome")
        assert len(welcomes(again, "paul")) == 1 and len(welcomes(again, "zoe")) == 1
        for nobody in ("ancien", "robot", "marie", "jean", "admin"):
            assert welcomes(again, nobody) == [], nobody
    finally:
        await stop_bot(again)


def thread_replies(bot: RunningBot, message_id: str) -> list[dict[str, Any]]:
    return [m for m in bot.bot_messages(ROOM) if m.get("tmid") == message_id]


async def upload(url: str, username: str, name: str, size: int) -> str:
    file = {"name": name, "type": "application/pdf",
            "content_base64": base64.b64encode(bytes(size)).decode()}
    posted = await control(url, "post", {"username": username, "room": ROOM, "file": file})
    return str(posted["message_id"])


async def test_a_heavy_upload_is_moved_to_nextcloud_from_the_suggestion_button(
    stack: SandboxStack, tmp_path: Path
) -> None:
    let_the_bot_read_accounts(stack.rocketchat)
    bot = await start_bot(stack.rocketchat, tmp_path, stack.env())
    chat, state = stack.rocketchat.url, stack.rocketchat.state
    try:
        first = await upload(chat, "marie", "rapport.pdf", 6 * MB)
        await bot.wait_for(lambda: thread_replies(bot, first), what="the suggestion")
        suggestion = thread_replies(bot, first)[0]
        said = suggestion["msg"]
        assert "Ce fichier (6\u00a0Mo) est copié pour chaque lecteur du salon." in said
        state.click("marie", suggestion["_id"], "Le déplacer vers Nextcloud")
        await bot.wait_for(lambda: any("index.php/s/" in m["msg"] for m in bot.bot_messages(ROOM)),
                           timeout=30, what="the Nextcloud link")
        async with aiohttp.ClientSession() as http, http.get(
            f"{stack.nextcloud.url}/_sandbox/shares"
        ) as response:
            shares = await response.json()
        assert any(share["path"].endswith("rapport.pdf") for share in shares)

        second = await upload(chat, "marie", "annexe.pdf", 6 * MB)  # the same day: nothing
        state.post("luc", ROOM, "/ecogestes off")
        await bot.wait_for(lambda: any(m["msg"] == "Plus de suggestions pour vous."
                                       for m in bot.bot_messages(ROOM)), what="luc's opt-out")
        silenced = await upload(chat, "luc", "budget.pdf", 7 * MB)
        sentinel = await upload(chat, "jean", "plan.pdf", 6 * MB)
        await bot.wait_for(lambda: thread_replies(bot, sentinel), what="jean's suggestion")
        assert thread_replies(bot, second) == [] and thread_replies(bot, silenced) == []

        state.post("admin", "general", "/ecogestes bilan")
        await bot.wait_for(lambda: any("Total" in m["msg"] for m in bot.bot_messages("general")),
                           what="the savings")
        savings = next(m["msg"] for m in bot.bot_messages("general") if "Total" in m["msg"])
        # Six megabytes moved from a room of five people besides the bot.
        assert "6\u00a0Mo en 1\u00a0fichier" in savings or "6\u00a0Mo en 1 fichier" in savings
        assert "environ 30\u00a0Mo de téléchargements évités" in savings
        assert 'ensemble_ecogestes_moved_bytes{month="' in await bot.metrics()
    finally:
        await stop_bot(bot)


def png_image() -> bytes:
    from tests.sandbox.rocketchat.png import png  # noqa: PLC0415 - a test helper, not a dependency

    return png(8, 8)


async def test_branding_sets_the_bot_name_avatar_and_attachment_colour_at_start(
    rocketchat: RocketChatSandbox, tmp_path: Path
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(png_image())
    branding = {
        "ENSEMBLE_BRANDING__NAME": "Mairie de Lyon",
        "ENSEMBLE_BRANDING__AVATAR": str(logo),
        "ENSEMBLE_BRANDING__COLOR": "#000091",
    }
    account = rocketchat.state.store.user("ensemble-bot")
    bot = await start_bot(rocketchat, tmp_path, {**rocketchat.env(), **branding})
    try:
        await bot.wait_for(lambda: account.avatar is not None, what="the avatar")
        assert account.name == "Mairie de Lyon" and account.avatar == logo.read_bytes()
        etag = account.avatar_etag
        note = await upload(rocketchat.url, "marie", "note.docx", 20_000)
        await bot.wait_for(lambda: thread_replies(bot, note), what="a message with an attachment")
        assert [a["color"] for a in thread_replies(bot, note)[0]["attachments"]] == ["#000091"]
    finally:
        await stop_bot(bot)
    again = await start_bot(rocketchat, tmp_path, {**rocketchat.env(), **branding})
    await stop_bot(again)
    assert account.avatar_etag == etag  # the same image: not sent again
