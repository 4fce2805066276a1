"""Two real bot processes on one PostgreSQL store: one answers; when it dies, the other does."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from tests.e2e.conftest import RunningBot, start_bot, stop_bot

ROOM = "equipe-projet"


async def role_of(bot: RunningBot) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"{bot.http_url}/readyz") as response:
        role: str = json.loads(await response.text())["role"]
        return role


async def test_a_standby_takes_over_when_the_leader_is_killed(
    rocketchat: RocketChatSandbox, postgres_url: str, tmp_path: Path
) -> None:
    shared = {"ENSEMBLE_STORE__URL": postgres_url, "ENSEMBLE_HA__POLL_SECONDS": "0.3"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    leader = await start_bot(rocketchat, tmp_path / "a", **shared)
    standby = await start_bot(rocketchat, tmp_path / "b", standby=True, **shared)
    try:
        assert (await role_of(leader), await role_of(standby)) == ("leader", "standby")
        rocketchat.state.post("marie", ROOM, "!aide")
        await leader.wait_for(lambda: len(leader.bot_messages(ROOM)) == 1, what="one reply")
        # Counted once its whole chain has run: a kill before would leave its claim to expire
        # (the standby would run it again after the lease), a case of its own.
        await leader.wait_for_async(lambda: _handled(leader, "aide"), what="aide counted")
        leader.process.kill()  # a crash: no goodbye, the lock goes with its connection
        await leader.process.wait()
        rocketchat.state.post("marie", ROOM, "!langue en")  # typed while nobody leads
        await standby.wait_for(
            lambda: len(standby.bot_messages(ROOM)) == 2, timeout=30, what="the takeover"
        )
        assert await role_of(standby) == "leader"
        await asyncio.sleep(1.0)  # a duplicate would show up now
        texts = [m["msg"] for m in standby.bot_messages(ROOM)]
        assert texts[1] == "From now on I will answer you in English."
        assert len(texts) == 2  # nothing answered twice by the two replicas
    finally:
        await stop_bot(standby)
        await stop_bot(leader)


async def _handled(bot: RunningBot, command: str) -> bool:
    counted = f'ensemble_commands_total{{command="{command}",outcome="ok"}} 1.0'
    return counted in await bot.metrics()
