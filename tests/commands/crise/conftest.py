"""A bot with /crise against the sandbox Nextcloud and Wekan, Jitsi links signed locally,
and an in-memory chat holding the people of the tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from bot.config import RateLimitSettings
from bot.memory_chat import Sent
from bot.models import Room, User
from commands import crise, kanban
from commands.core_feature import feature as core
from composition.settings import EnsembleSettings as Settings
from composition.settings import JitsiSection, NextcloudSection, WekanSection
from composition.testing import BotHarness
from sandbox.nextcloud import NextcloudSandbox
from sandbox.wekan import WekanSandbox

JEAN = User("u-jean", "jean", "Jean Moulin", frozenset({"user"}))
LUC = User("u-luc", "luc", "Luc Besson", frozenset({"user"}))
SECRET = "s" * 40


@dataclass
class Crisis:
    bot: BotHarness
    nextcloud: NextcloudSandbox
    wekan: WekanSandbox

    def text(self, sent: list[Sent]) -> str:
        return "\n".join(s.message.text for s in sent)

    def said_in(self, sent: list[Sent], room: Room) -> str:
        """What the bot said in that room, leaving out its direct messages."""
        return "\n".join(s.message.text for s in sent if s.room_id == room.id)


def cell_room(crisis: Crisis) -> Room:
    [room] = [r for r in crisis.bot.chat.rooms.values() if r.name.startswith("crise-")]
    return room


def configured(settings: Settings, nextcloud: NextcloudSandbox, wekan: WekanSandbox) -> Settings:
    env = wekan.env()
    return settings.model_copy(update={
        "nextcloud": NextcloudSection(url=nextcloud.url, username="ensemble-bot",
                                      app_password=SecretStr(nextcloud.bot_app_password)),
        "wekan": WekanSection(url=env["ENSEMBLE_WEKAN__URL"],
                              username=env["ENSEMBLE_WEKAN__USERNAME"],
                              password=SecretStr(env["ENSEMBLE_WEKAN__PASSWORD"]),
                              polling=False),
        "jitsi": JitsiSection(base_url="https://visio.example.org",
                              app_secret=SecretStr(SECRET)),
        "rate_limit": RateLimitSettings(enabled=False),
    })


@pytest.fixture
async def crisis(settings: Settings) -> AsyncIterator[Crisis]:
    nextcloud, wekan = NextcloudSandbox(), WekanSandbox()
    await nextcloud.start()
    await wekan.start()
    harness = BotHarness(configured(settings, nextcloud, wekan),
                         features=[core, kanban.feature, crise.feature])
    for person in (JEAN, LUC):
        harness.chat.add_user(person)
    harness.chat.members[harness.chat.rooms["r-team"].id].extend([JEAN.id])
    async with harness as running:
        yield Crisis(running, nextcloud, wekan)
    await wekan.stop()
    await nextcloud.stop()
