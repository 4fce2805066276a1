"""A Rocket.Chat failure reaches the user as "Rocket.Chat is not available", not a bug report."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.context import Context
from bot.feature import Feature
from bot.i18n import N_
from bot.routing import Router
from commands.core_feature import feature as core
from composition.testing import BotHarness
from integrations.rocketchat.errors import RocketChatUnavailable

probe = Router()


@probe.command("membres", help=N_("command"))
async def membres(ctx: Context) -> None:
    raise RocketChatUnavailable("503 on channels.members")


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotHarness]:
    async with BotHarness(settings, features=[core, Feature("probe", [probe])]) as running:
        yield running


async def test_the_user_is_told_rocketchat_is_down(bot: BotHarness) -> None:
    sent = await bot.say("/membres")
    answer = "\n".join(s.message.text for s in sent)
    assert answer.startswith("Rocket.Chat ne répond pas pour le moment\u202f; réessayez plus tard")
