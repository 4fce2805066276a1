"""Plain text in a direct message: a command named without its slash runs, a sentence gets a
pointer to /aide, and only a typed "/x" or "!x" is an unknown command."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.models import Room, RoomType
from composition.testing import AGENT, BotHarness

DM = Room("dm-marie", "marie", RoomType.DIRECT)
POINTER = {
    "fr": "Bonjour\u202f! Je réponds à des commandes plutôt qu’à des phrases\u202f: tapez /aide "
    "pour voir ce que je sais faire.",
    "en": "Hello! I answer commands rather than sentences: type /aide to see what I can do.",
}


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotHarness]:
    async with BotHarness(settings) as running:
        running.chat.add_room(DM, ["bot", AGENT.id])
        yield running


async def answers(bot: BotHarness, text: str, room: Room = DM) -> list[str]:
    return [sent.message.text for sent in await bot.say(text, room=room)]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("text", ["bonjour, tu peux m'aider ?", "Merci !", "hello"])
async def test_a_sentence_gets_a_pointer_to_aide_not_an_unknown_command(
    bot: BotHarness, text: str, language: str
) -> None:
    await bot.say(f"/langue {language}", room=DM)
    assert await answers(bot, text) == [POINTER[language]]


async def test_a_command_named_without_its_slash_still_runs(bot: BotHarness) -> None:
    assert (await answers(bot, "aide"))[0].startswith("**Ce que je sais faire**")
    assert await answers(bot, "reunion demain 10h") == [
        "Jitsi n’est pas mis en place sur cette plateforme. Si vous en avez besoin, "
        "adressez-vous aux administrateurs de la plateforme."
    ]
    assert await answers(bot, "Langue en") == ["From now on I will answer you in English."]


@pytest.mark.parametrize("typed", ["/bonjour", "!bonjour"])
async def test_a_typed_unknown_command_is_still_unknown(bot: BotHarness, typed: str) -> None:
    assert await answers(bot, f"{typed}, tu peux m'aider ?") == [
        "Commande inconnue\u202f: /bonjour,. Tapez /aide pour voir ce que je sais faire."
    ]
