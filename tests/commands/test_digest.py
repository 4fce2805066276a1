"""/digest through the whole pipeline with a fake chat and clock: subscriptions, one digest
per period, nothing when empty, late within the grace window, sections and the crisis plug."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import RateLimitSettings
from bot.digest import DigestSections, Recipient
from bot.feature import Feature
from bot.i18n import Translator
from bot.models import RoomRole, User
from bot.runtime import Runtime
from commands import digest, reunion
from commands.core_feature import feature as core
from commands.digest.enrol import RoleEnrolment
from commands.digest.run import DigestRunner
from commands.digest.schedule import Cadence, Schedule, zone_for
from commands.digest.store import Status, Subscriptions, user_target
from commands.reunion.store import Meetings, NewMeeting
from composition.testing import AGENT, CRISIS_LEAD, TEAM_ROOM, BotHarness, make_settings

PARIS = ZoneInfo("Europe/Paris")
# A Wednesday in winter, 07:00 in Paris.
START = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment


@dataclass(frozen=True)
class CellsData:
    cells: list[tuple[str, str]]  # (room id, name)

    @property
    def rooms(self) -> Iterable[str]:
        return {room for room, _ in self.cells}

    def render(self, recipient: Recipient, t: Translator) -> str | None:
        everything = "crise" in recipient.roles
        seen = [n for room, n in self.cells if room in recipient.rooms or everything]
        return "**Cells**\n" + "\n".join(f"• {n}" for n in seen) if seen else None


@dataclass(frozen=True)
class FakeCells:
    """How the /crise slice plugs its open cells in: a section added at install."""

    cells: list[tuple[str, str]]
    name: str = "crises"
    aliases: tuple[str, ...] = ("crisis",)

    async def gather(self, since: datetime, until: datetime, horizon: datetime) -> CellsData:
        return CellsData(self.cells)


CELLS: list[tuple[str, str]] = []


async def _install_cells(runtime: Runtime) -> None:
    runtime.services.get(DigestSections).add(FakeCells(CELLS))


cells_feature = Feature(name="cells-probe", install=_install_cells)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def bot(tmp_path: Path, clock: FakeClock) -> AsyncIterator[BotHarness]:
    CELLS.clear()
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                             rate_limit=RateLimitSettings(burst=100, per_minute=6000))
    settings.digest.spread_seconds = 0
    features = [core, reunion.feature, cells_feature, digest.feature]
    async with BotHarness(settings, features=features, clock=clock) as running:
        yield running


def runner(bot: BotHarness) -> DigestRunner:
    return bot.app.runtime.services.get(DigestRunner)


def dms(bot: BotHarness, user: User = AGENT) -> list[str]:
    return [s.message.text for s in bot.chat.sent if s.direct_to == user.username]


async def add_meeting(bot: BotHarness, title: str, starts: datetime) -> int:
    meeting = await bot.app.runtime.services.get(Meetings).add(NewMeeting(
        room_name=f"r{starts.timestamp()}", title=title, organizer_id=AGENT.id,
        organizer_username=AGENT.username, chat_room_id=TEAM_ROOM.id, starts_at=starts,
        ends_at=starts + timedelta(hours=1), scheduled=True,
    ))
    return meeting.id


async def test_subscribing_tells_the_schedule_and_the_next_digest(bot: BotHarness) -> None:
    [answer] = await bot.say("/digest quotidien 08:30")
    assert answer.message.text.startswith(
        "Votre résumé arrive chaque jour à 08:30 (Europe/Paris)\u202f; rubriques\u202f: "
        "reunions, crises. Le prochain\u202f: mercredi 2 décembre 2026 à 08:30."
    )
    [shown] = await bot.say("/resume")
    assert shown.message.text == answer.message.text


async def test_one_digest_per_period_with_the_meeting_and_its_link_command(
    bot: BotHarness, clock: FakeClock
) -> None:
    await bot.say("/digest quotidien 08:30")
    number = await add_meeting(bot, "Comité de pilotage", START + timedelta(hours=8))
    clock.moment = START + timedelta(minutes=89)  # 08:29 in Paris: not yet
    await runner(bot).tick()
    assert dms(bot) == []
    clock.moment = START + timedelta(minutes=90, seconds=5)
    await asyncio.gather(runner(bot).tick(), runner(bot).tick())  # two ticks at once
    await runner(bot).tick()
    [text] = dms(bot)
    assert text.startswith("**Votre résumé du mercredi 2 décembre 2026**\n\n**1 réunion**\n")
    assert f"Comité de pilotage (votre lien\u202f: /reunion lien {number})" in text
    assert "jwt" not in text
    # The next day: a new period, a new digest (the meeting is over: nothing to tell).
    clock.moment += timedelta(days=1)
    await add_meeting(bot, "Point d’équipe", clock.moment + timedelta(hours=2))
    await runner(bot).tick()
    assert len(dms(bot)) == 2 and "Point d’équipe" in dms(bot)[1]


async def test_nothing_is_sent_when_every_section_is_empty(
    bot: BotHarness, clock: FakeClock
) -> None:
    await bot.say("/digest quotidien 08:30")
    clock.moment = START + timedelta(minutes=91)
    await runner(bot).tick()
    assert dms(bot) == []
    store = bot.app.runtime.services.get(Subscriptions)
    subscription = await store.get(user_target(AGENT.id))
    assert subscription is not None
    assert await store.deliveries(subscription.id) == {"2026-12-02T07:30Z": Status.EMPTY}
    [preview] = await bot.say("/digest maintenant")
    assert preview.message.text == (
        "Rien à vous signaler pour l’instant\u202f: votre résumé serait vide."
    )


async def test_stop_stops_the_digests(bot: BotHarness, clock: FakeClock) -> None:
    await bot.say("/digest quotidien 08:30")
    await add_meeting(bot, "Revue", START + timedelta(hours=9))
    [stopped] = await bot.say("/digest stop")
    assert stopped.message.text == "C’est fait\u202f: vous ne recevrez plus de résumé."
    clock.moment = START + timedelta(minutes=95)
    await runner(bot).tick()
    assert dms(bot) == []
    [again] = await bot.say("/digest")
    assert again.message.text.startswith("Vous ne recevez pas de résumé.")


async def test_late_within_the_grace_window_once_and_skipped_past_it(
    bot: BotHarness, clock: FakeClock
) -> None:
    await bot.say("/digest quotidien 08:30")
    await add_meeting(bot, "Revue", START + timedelta(hours=10))
    clock.moment = START + timedelta(minutes=90 + 100)  # down at 08:30, back at 10:10
    await runner(bot).tick()
    await runner(bot).tick()
    assert len(dms(bot)) == 1
    metrics = bot.app.metrics.render().decode()
    assert 'ensemble_digests_total{outcome="late"} 1.0' in metrics
    # The next day the bot comes back after the 2-hour grace window: skipped, not sent.
    clock.moment += timedelta(days=1, minutes=30)
    await add_meeting(bot, "Revue bis", clock.moment + timedelta(hours=1))
    await runner(bot).tick()
    assert len(dms(bot)) == 1
    assert 'ensemble_digests_total{outcome="skipped"} 1.0' in bot.app.metrics.render().decode()


async def test_sections_can_be_chosen_and_the_crisis_plug_renders_per_person(
    bot: BotHarness, clock: FakeClock
) -> None:
    CELLS.append(("r-cell", "Inondation"))
    await bot.say("/digest quotidien 08:30")
    await bot.say("/digest quotidien 08:30", user=CRISIS_LEAD)
    await add_meeting(bot, "Revue", START + timedelta(hours=9))
    [changed] = await bot.say("/digest contenu -reunions")
    assert "rubriques\u202f: crises." in changed.message.text
    [refused] = await bot.say("/digest contenu -meteo")
    assert refused.message.text.startswith(
        "«\u202f-meteo\u202f» n’est pas un changement de rubrique\u202f; les rubriques sont"
    )
    clock.moment = START + timedelta(minutes=91)
    await runner(bot).tick()
    # Marie left meetings out and is in no cell: nothing. Sophie has a crisis role.
    assert dms(bot) == []
    [text] = dms(bot, CRISIS_LEAD)
    assert "**1 réunion**" in text and "• Inondation" in text


async def test_bad_schedules_get_a_reason_and_change_nothing(bot: BotHarness) -> None:
    [answer] = await bot.say("/digest hebdo demain 9h")
    assert answer.message.text.startswith(
        "«\u202fdemain\u202f» n’est pas un jour de la semaine"
    )
    [answer] = await bot.say("/digest quotidien 25h")
    assert answer.message.text.startswith("«\u202f25h\u202f» n’est pas une heure de la journée")
    assert await bot.app.runtime.services.get(Subscriptions).get(user_target(AGENT.id)) is None


def test_the_digest_keeps_its_wall_time_across_daylight_saving_changes() -> None:
    schedule = Schedule(Cadence.DAILY, time(8, 30))
    before_spring = datetime(2026, 3, 27, 12, tzinfo=UTC)  # a Friday
    first = schedule.occurrences(before_spring, PARIS)
    second = schedule.occurrences(first, PARIS)
    assert [m.astimezone(PARIS).time() for m in (first, second)] == [time(8, 30)] * 2
    assert second - first == timedelta(hours=23)
    weekly = Schedule(Cadence.WEEKLY, time(9, 0), (0,))
    monday = weekly.occurrences(datetime(2026, 10, 13, tzinfo=UTC), PARIS)  # the 19th
    after = weekly.occurrences(monday, PARIS)
    assert (monday.astimezone(PARIS).hour, after.astimezone(PARIS).hour) == (9, 9)
    assert after - monday == timedelta(days=7, hours=1)


def test_the_person_zone_comes_from_the_chat_offset() -> None:
    assert zone_for(None, PARIS) is PARIS
    assert zone_for(2, PARIS) is PARIS and zone_for(1, PARIS) is PARIS  # summer, winter
    reunion_island = zone_for(4, PARIS)
    assert reunion_island.utcoffset(None) == timedelta(hours=4)


async def test_the_role_setting_subscribes_holders_once_and_a_stop_is_kept(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                             rate_limit=RateLimitSettings(burst=100, per_minute=6000))
    settings.digest.roles = ["manager"]
    settings.digest.default_schedule = "hebdo lundi 9h"
    boss = User("u-boss", "boss", "La Cheffe", frozenset({"user", "manager"}))
    async with BotHarness(settings, features=[core, digest.feature], clock=clock) as bot:
        bot.chat.add_user(boss)
        enrolment = bot.app.runtime.services.get(RoleEnrolment)
        assert await enrolment.run() == 1
        [shown] = await bot.say("/digest", user=boss)
        assert shown.message.text.startswith(
            "Votre résumé arrive chaque semaine le lundi à 09:00 (Europe/Paris)"
        )
        await bot.say("/digest stop", user=boss)
        assert await enrolment.run() == 0
        [stopped] = await bot.say("/digest", user=boss)
        assert stopped.message.text.startswith("Vous ne recevez pas de résumé.")
        assert await bot.app.runtime.services.get(Subscriptions).get(user_target(AGENT.id)) is None


async def test_a_room_owner_subscribes_the_room_which_gets_its_digest_in_the_room(
    bot: BotHarness, clock: FakeClock
) -> None:
    [refused] = await bot.say("/digest equipe #equipe-projet quotidien 9h")
    assert refused.message.text.startswith(
        "Seul un propriétaire ou un modérateur de #equipe-projet peut faire cela."
    )
    bot.chat.room_role_holders[(TEAM_ROOM.id, AGENT.id)] = frozenset({RoomRole.OWNER})
    [done] = await bot.say("/digest equipe #equipe-projet quotidien 9h")
    assert done.message.text == (
        "#equipe-projet recevra son résumé chaque jour à 09:00\u202f; le prochain\u202f: "
        "mercredi 2 décembre 2026 à 09:00."
    )
    await add_meeting(bot, "Revue de projet", START + timedelta(hours=5))
    clock.moment = START + timedelta(hours=2, seconds=1)
    await runner(bot).tick()
    [posted] = [s for s in bot.chat.sent if s.room_id == TEAM_ROOM.id
                and s.message.text.startswith("**Résumé de #equipe-projet")]
    assert "Revue de projet" in posted.message.text
    [stopped] = await bot.say("/digest equipe #equipe-projet stop")
    assert stopped.message.text == "#equipe-projet ne recevra plus de résumé."
