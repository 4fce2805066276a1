"""A flood of events waits in bounded memory: past the limit, taking in more waits too."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest

from bot import app as app_module
from bot.config import Settings
from bot.context import Context
from bot.feature import Feature
from bot.i18n import N_
from bot.routing import Router
from bot.testing import eventually
from commands.core_feature import feature as core
from composition.testing import AGENT, TEAM_ROOM, BotHarness

busy = Router()
GATE = asyncio.Event()


@busy.command("lent", help=N_("command"))
async def lent(ctx: Context) -> None:
    await GATE.wait()
    await ctx.reply("fini")


@pytest.fixture
async def bot(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BotHarness]:
    monkeypatch.setattr(app_module, "MAX_CONCURRENT_COMMANDS", 2)
    monkeypatch.setattr(app_module, "MAX_WAITING_EVENTS", 3)
    GATE.clear()
    async with BotHarness(settings, features=[core, Feature("busy", [busy])]) as running:
        yield running


def waiting_gauge(bot: BotHarness) -> float:
    page = bot.app.metrics.render().decode()
    match = re.search(r"^ensemble_events_waiting (\S+)$", page, re.MULTILINE)
    assert match is not None, page
    return float(match.group(1))


async def test_past_the_waiting_limit_the_chat_is_not_read_further_until_a_slot_frees(
    bot: BotHarness,
) -> None:
    events = [bot.chat.event(AGENT, TEAM_ROOM, "!lent") for _ in range(8)]
    taken = [asyncio.create_task(bot.app.submit(event)) for event in events]
    await eventually(lambda: sum(t.done() for t in taken) == 5)
    await asyncio.sleep(0.05)
    assert sum(t.done() for t in taken) == 5  # 2 running, 3 waiting, the rest not taken in
    assert waiting_gauge(bot) == 3
    GATE.set()
    await asyncio.gather(*taken)
    await eventually(lambda: bot.chat.texts(TEAM_ROOM.id).count("fini") == 8)
    assert waiting_gauge(bot) == 0
