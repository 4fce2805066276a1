"""The probe feature plugs in from its own package: command, table, job and route all work."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from composition.features import DEFAULT_FEATURES
from composition.testing import BotHarness, eventually, make_settings, sqlite_url
from tests import feature_probe
from tests.feature_probe import ROUTE, Notes, Ticks


async def test_a_feature_from_its_own_package_works_end_to_end(tmp_path: Path) -> None:
    settings = make_settings(sqlite_url(tmp_path))
    async with BotHarness(settings, features=[*DEFAULT_FEATURES, feature_probe.feature]) as bot:
        first = await bot.say("/note Relire le budget")
        second = await bot.say("/note Appeler la DSI")
        assert [sent.message.text for sent in first + second] == ["note 1", "note 2"]
        assert "/note" in "\n".join(sent.message.text for sent in await bot.say("/aide"))
        assert "/reunion" in "\n".join(sent.message.text for sent in await bot.say("/aide"))
        assert await bot.app.runtime.services.get(Notes).count() == 2
        ticks = bot.app.runtime.services.get(Ticks)
        await eventually(lambda: ticks.count >= 2)
        async with TestClient(TestServer(bot.app.runtime.web)) as client:
            answer = await client.get(ROUTE)
            assert answer.status == 200
            assert await answer.json() == {"notes": 2}


async def test_without_the_probe_its_command_is_unknown(tmp_path: Path) -> None:
    async with BotHarness(make_settings(sqlite_url(tmp_path))) as bot:
        assert "inconnue" in "\n".join(s.message.text for s in await bot.say("/note x"))
