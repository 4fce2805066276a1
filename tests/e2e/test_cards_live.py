"""Cards as a person sees them through the real bot process: due dates, open counts, links."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.dates import END_OF_WORKING_DAY
from sandbox.stack import SandboxStack
from tests.e2e.conftest import RunningBot, start_bot, stop_bot

ROOM = "equipe-projet"
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
async def bot(stack: SandboxStack, tmp_path: Path) -> AsyncIterator[RunningBot]:
    running = await start_bot(stack.rocketchat, tmp_path, stack.env())
    yield running
    await stop_bot(running)


async def wekan_state(stack: SandboxStack) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(
        f"{stack.wekan.url}/_sandbox/state"
    ) as response:
        state: dict[str, Any] = await response.json()
        return state


async def say(bot: RunningBot, text: str) -> str:
    """What marie types in the room, and the bot's answer to it."""
    count = len(bot.bot_messages(ROOM))
    bot.sandbox.state.post("marie", ROOM, text)
    await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) > count, what=f"the answer to {text}")
    answer: str = bot.bot_messages(ROOM)[count]["msg"]
    return answer


async def test_due_dates_open_cards_and_links_as_a_person_sees_them(
    bot: RunningBot, stack: SandboxStack
) -> None:
    await say(bot, "/kanban lier Équipe projet")
    refused = await say(bot, "/tache Appeler la préfecture @marie --echeance demain 25h")
    assert refused.startswith("«\u202f25h\u202f» n’est pas une heure de la journée")
    assert "`/tache <titre…> [@qui…] [--echeance quand…] [--liste liste…]`" in refused
    board = next(b for b in (await wekan_state(stack))["boards"] if b["title"] == "Équipe projet")
    assert board["cards"] == []

    before = datetime.now(PARIS)
    created = await say(bot, "/tache Appeler la préfecture @marie --echeance demain")
    [card] = next(b for b in (await wekan_state(stack))["boards"]
                  if b["_id"] == board["_id"])["cards"]
    # Tomorrow at the end of the working day, not tomorrow at the minute it was typed.
    dues = {
        datetime.combine(moment.date() + timedelta(days=1), END_OF_WORKING_DAY, tzinfo=PARIS)
        .astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        for moment in (before, datetime.now(PARIS))  # typed just before midnight
    }
    assert card["dueAt"] in dues
    card_url = f"{stack.wekan.url}/b/{board['_id']}/equipe-projet/{card['_id']}"
    assert f"([{card['_id'][:6]}]({card_url}))" in created

    await say(bot, f"/tache fait {card['_id'][:6]}")
    summary = await say(bot, "/kanban")
    board_url = f"{stack.wekan.url}/b/{board['_id']}/equipe-projet"
    assert summary.startswith(f"**[Équipe projet]({board_url})**\u202f: 0 carte ouverte\n")
    assert "• Fait\u202f: 1" in summary
    assert await say(bot, "/taches") == (
        "Marie Curie n’a aucune carte ouverte sur les tableaux liés."
    )
