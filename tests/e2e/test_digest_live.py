"""/digest with the real bot process against the sandbox, on a short schedule (the next
minute): one digest per period with real data (a card due today, one newly assigned, a
meeting, a share, an open crisis cell), nothing when empty, stop, a leader killed at
the digest time (two processes on PostgreSQL), and a bot down at the digest time."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sandbox.stack import SandboxStack
from tests.e2e.conftest import RunningBot, start_bot, stop_bot
from tests.e2e.test_crise_live import let_the_bot_read_roles

ROOM = "equipe-projet"
PARIS = ZoneInfo("Europe/Paris")
TITLE = "**Votre résumé du "
# Digests checked every second, not spread over the minute, a dead sender's claim taken
# over after 3 s: the schedule of a test is minutes, not hours.
FAST = {
    "ENSEMBLE_DIGEST__CHECK_SECONDS": "1",
    "ENSEMBLE_DIGEST__SPREAD_SECONDS": "0",
    "ENSEMBLE_DIGEST__CLAIM_LEASE_SECONDS": "3",
    "ENSEMBLE_WEKAN__POLLING": "false",
}


@pytest.fixture
async def bot(stack: SandboxStack, tmp_path: Path) -> AsyncIterator[RunningBot]:
    let_the_bot_read_roles(stack)  # sophie's crisis role, to open a cell
    running = await start_bot(stack.rocketchat, tmp_path, stack.env(), **FAST)
    yield running
    await stop_bot(running)


def digests(bot: RunningBot, username: str) -> list[str]:
    return [m["msg"] for m in bot.sandbox.state.dms(username)
            if m["u"]["username"] == "ensemble-bot" and m["msg"].startswith(TITLE)]


def room_answers(bot: RunningBot, room: str = ROOM) -> list[str]:
    return [m["msg"] for m in bot.bot_messages(room)]


async def say(bot: RunningBot, user: str, text: str, expected: str, room: str = ROOM) -> str:
    """What `user` types, and the bot's answer that holds `expected`."""
    before = len(room_answers(bot, room))
    bot.sandbox.state.post(user, room, text)

    def answered() -> bool:
        return any(expected in m for m in room_answers(bot, room)[before:])

    await bot.wait_for(answered, timeout=30, what=f"the answer to {text}")
    return next(m for m in room_answers(bot, room)[before:] if expected in m)


def next_minute(lead: float = 20.0) -> datetime:
    """The first whole minute at least `lead` seconds away, in Paris."""
    soon = datetime.now(PARIS) + timedelta(seconds=lead + 60)
    return soon.replace(second=0, microsecond=0)


async def until(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(PARIS)).total_seconds()))


async def subscribe(bot: RunningBot, user: str, at: datetime, room: str = ROOM) -> None:
    await say(bot, user, f"/digest quotidien {at:%H:%M}", "Votre résumé arrive", room)


async def some_news(bot: RunningBot, stack: SandboxStack) -> None:
    """Real data in the sandbox's servers: a card due soon for marie and one newly assigned
    to her, a meeting, a share, an open crisis cell she is in."""
    await say(bot, "marie", "/kanban lier Équipe projet", "est maintenant lié")
    # Any digest read of the board is the baseline of "newly assigned": luc's preview.
    await say(bot, "luc", "/digest maintenant", "Rien à vous signaler")
    await say(bot, "marie", "/tache Appeler la préfecture @marie --echeance dans 1 min",
              "Appeler la préfecture")
    await say(bot, "marie", "/tache Relire la note de service @marie", "Relire la note")
    await say(bot, "marie", "/reunion Comité de pilotage dans 5 min", "Comité de pilotage")
    posted = bot.sandbox.state.post("marie", ROOM, "le compte rendu", file={
        "name": "compte-rendu.txt", "type": "text/plain",
        "content_base64": base64.b64encode(b"Compte rendu\n" * 20).decode(),
    })
    before = len(room_answers(bot))
    bot.sandbox.state.post("marie", ROOM, "/partage", tmid=posted.message["_id"])
    await bot.wait_for(lambda: any("index.php/s/" in m for m in room_answers(bot)[before:]),
                       timeout=30, what="the share link")
    before = len(room_answers(bot))
    bot.sandbox.state.post("sophie", ROOM, "/crise ouvrir Panne de messagerie --gravite 2 "
                                           "--avec @marie")
    await bot.wait_for(
        lambda: any("Cellule de crise ouverte" in m for m in room_answers(bot)[before:]),
        timeout=60, what="the crisis cell open")


async def test_one_digest_per_period_with_real_data_nothing_when_empty_and_stop(
    bot: RunningBot, stack: SandboxStack
) -> None:
    await some_news(bot, stack)
    at = next_minute()
    await subscribe(bot, "marie", at)
    await subscribe(bot, "jean", at)
    await say(bot, "jean", "/digest stop", "vous ne recevrez plus de résumé")
    await subscribe(bot, "admin", at, room="general")
    # #general's own digest: nothing was said or planned there, so nothing is posted.
    await say(bot, "admin", f"/digest equipe #general quotidien {at:%H:%M}",
              "#general recevra son résumé", room="general")
    await until(at)
    await bot.wait_for(lambda: len(digests(bot, "marie")) == 1 and len(digests(bot, "admin"))
                       == 1, timeout=30, what="the digests")
    await asyncio.sleep(3)  # a second one, or one for jean or #general, would be here by now
    [text] = digests(bot, "marie")
    assert "**Cartes**" in text and text.count("Appeler la préfecture") == 1
    assert ("Assignées à vous depuis le dernier résumé\u202f:\n• \"Relire la note de service\""
            in text)
    assert "**Cellules de crise ouvertes**" in text
    assert "Panne de messagerie (gravité 2), pas encore de point de situation" in text
    assert "**1 réunion**" in text
    assert "Comité de pilotage (votre lien\u202f: /reunion lien" in text
    assert "**Partages**" in text and "compte-rendu.txt" in text and "par marie" in text
    assert "jwt" not in text
    # An admin is not in the team's room, but sees every open crisis cell, and nothing else.
    [overview] = digests(bot, "admin")
    assert "Panne de messagerie (gravité 2)" in overview
    assert "**Cartes**" not in overview and "réunion" not in overview
    assert digests(bot, "jean") == []
    assert not any(m.startswith("**Résumé de #general") for m in room_answers(bot, "general"))
    metrics = await bot.metrics()
    assert 'ensemble_digests_total{outcome="sent"} 2.0' in metrics
    assert 'ensemble_digests_total{outcome="empty"} 1.0' in metrics


async def _meeting_news(bot: RunningBot) -> None:
    await say(bot, "marie", "/reunion Revue de crise dans 5 min", "Revue de crise")


async def test_a_bot_down_at_the_digest_time_sends_it_late_once_within_the_grace_window(
    stack: SandboxStack, tmp_path: Path
) -> None:
    first = await start_bot(stack.rocketchat, tmp_path, stack.env(), **FAST)
    try:
        await _meeting_news(first)
        at = next_minute()
        await subscribe(first, "marie", at)
    finally:
        await stop_bot(first)
    await until(at + timedelta(seconds=10))  # nobody runs at the digest time
    assert digests(first, "marie") == []
    again = await start_bot(stack.rocketchat, tmp_path, stack.env(), **FAST)
    try:
        await again.wait_for(lambda: len(digests(again, "marie")) == 1, timeout=30,
                             what="the late digest")
        await asyncio.sleep(3)
        [text] = digests(again, "marie")
        assert "Revue de crise" in text
        assert 'ensemble_digests_total{outcome="late"} 1.0' in await again.metrics()
    finally:
        await stop_bot(again)


async def test_a_leader_killed_at_the_digest_time_the_digest_arrives_once(
    stack: SandboxStack, postgres_url: str, tmp_path: Path
) -> None:
    shared: dict[str, Any] = {**FAST, "ENSEMBLE_STORE__URL": postgres_url,
                              "ENSEMBLE_HA__POLL_SECONDS": "0.3"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    leader = await start_bot(stack.rocketchat, tmp_path / "a", stack.env(), **shared)
    standby = await start_bot(stack.rocketchat, tmp_path / "b", stack.env(), standby=True,
                              **shared)
    try:
        await _meeting_news(leader)
        at = next_minute()
        await subscribe(leader, "marie", at)
        await until(at + timedelta(seconds=0.3))  # its round has begun, or is about to
        leader.process.kill()  # a crash: no goodbye
        await leader.process.wait()
        await standby.wait_for(lambda: len(digests(standby, "marie")) >= 1, timeout=40,
                               what="the digest from either replica")
        await asyncio.sleep(6)  # past the claim's lease: a second one would be here
        [text] = digests(standby, "marie")
        assert "Revue de crise" in text
    finally:
        await stop_bot(standby)
        await stop_bot(leader)
