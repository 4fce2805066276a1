"""A service without settings is said to be missing from the platform, not to be down."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import RateLimitSettings, Settings
from composition.testing import BotHarness

NOT_SET_UP = {
    "fr": "{service} n’est pas mis en place sur cette plateforme. Si vous en avez besoin, "
    "adressez-vous aux administrateurs de la plateforme.",
    "en": "{service} is not set up on this platform. If you need it, please ask the platform "
    "administrators.",
}
OUTAGE = {"fr": "ne répond pas pour le moment", "en": "is not available right now"}


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotHarness]:
    relaxed = settings.model_copy(update={"rate_limit": RateLimitSettings(enabled=False)})
    async with BotHarness(relaxed) as running:
        yield running


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("command", "service"),
    [
        ("/reunion point hebdo demain 10h", "Jitsi"),
        ("/partage Rapports/bilan.pdf", "Nextcloud"),
        ("/kanban lier Équipe projet", "Wekan"),
    ],
)
async def test_a_service_without_settings_is_not_set_up_rather_than_down(
    bot: BotHarness, command: str, service: str, language: str
) -> None:
    await bot.say(f"/langue {language}")
    answers = [sent.message.text for sent in await bot.say(command)]
    assert answers == [NOT_SET_UP[language].format(service=service)]
    assert OUTAGE[language] not in answers[0]
