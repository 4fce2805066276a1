"""What operators and users see when commands go wrong: safe echoes, bounded metric labels,
counted outside failures, a complete audit, and a dedupe that loses no command."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.context import Context
from bot.errors import ArgumentError, ServiceUnavailable
from bot.feature import Feature
from bot.i18n import N_
from bot.models import Room, RoomType
from bot.routing import Router, argument
from bot.store.repositories import AuditLog, ProcessedMessages
from bot.store.tables import utcnow
from commands.core_feature import feature as core
from composition.testing import TEAM_ROOM, BotHarness

probe = Router()
DM = Room("dm-marie", "marie", RoomType.DIRECT)
LATER = timedelta(hours=1)


@probe.command("essai", help=N_("command"))
@argument("valeur", required=False)
async def essai(ctx: Context, valeur: str | None) -> None:
    await ctx.reply(valeur or "ok")


@probe.command("stockage", help=N_("command"))
async def stockage(ctx: Context) -> None:
    raise ServiceUnavailable("Nextcloud", "timeout")


@probe.command("refus", help=N_("command"))
async def refus(ctx: Context) -> None:
    raise ArgumentError(N_("Missing argument: {argument}."), argument="x")


@probe.command("coupure", help=N_("command"))
async def coupure(ctx: Context) -> None:
    raise asyncio.CancelledError  # what the handler sees when the process is stopped under it


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotHarness]:
    async with BotHarness(settings, features=[core, Feature("probe", [probe])]) as running:
        yield running


def texts(sent: list[object]) -> str:
    return "\n".join(s.message.text for s in sent)  # type: ignore[attr-defined]


def metrics_page(bot: BotHarness) -> str:
    return bot.app.metrics.render().decode()


async def test_an_error_reply_never_echoes_a_mass_mention(bot: BotHarness) -> None:
    answer = texts(await bot.say("/langue fr @all @here"))
    assert answer.startswith("Mots en trop\u202f: @\u200dall @\u200dhere.")
    assert "@all" not in answer and "@here" not in answer


async def test_an_error_reply_escapes_markdown_typed_by_the_user(bot: BotHarness) -> None:
    answer = texts(await bot.say("/langue fr **urgent** [ici](http://x)"))
    assert answer.startswith("Mots en trop\u202f: " + r"\*\*urgent\*\* \[ici\]\(http://x\).")
    assert "Utilisation\u202f: `/langue" in answer  # the bot's own formatting is kept


async def test_an_unknown_command_is_echoed_harmlessly(bot: BotHarness) -> None:
    answer = texts(await bot.say("!@all", room=DM))
    assert answer == (
        "Commande inconnue\u202f: /@\u200dall. Tapez /aide pour voir ce que je sais faire."
    )
    answer = texts(await bot.say("/_x_"))
    assert answer.startswith("Commande inconnue\u202f: " + r"/\_x\_.")


async def test_metrics_never_label_a_command_with_what_the_user_typed(bot: BotHarness) -> None:
    await bot.say("MonMotDePasse!2024", room=DM)
    await bot.say('/essai "pas fermé')
    page = metrics_page(bot)
    assert "monmotdepasse" not in page.lower()
    sample = bot.app.metrics.registry.get_sample_value
    assert sample("ensemble_commands_total", {"command": "unknown", "outcome": "refused"}) == 1
    assert sample("ensemble_commands_total", {"command": "unknown", "outcome": "invalid"}) == 1


async def test_a_failing_outside_service_is_counted_by_name(bot: BotHarness) -> None:
    sample = bot.app.metrics.registry.get_sample_value
    assert sample("ensemble_external_errors_total", {"service": "nextcloud"}) is None
    await bot.say("/stockage")
    await bot.say("/stockage")
    await bot.say("/essai")  # a command that works counts nothing
    assert sample("ensemble_external_errors_total", {"service": "nextcloud"}) == 2


async def test_unknown_overlong_and_badly_quoted_commands_are_audited(bot: BotHarness) -> None:
    await bot.say("MonMotDePasse!2024", room=DM)
    await bot.say("/essai " + "x" * 3000)
    await bot.say('/essai "pas fermé')
    entries = await bot.app.runtime.services.get(AuditLog).recent()
    assert [(e.username, e.command, e.room_id, e.outcome) for e in entries] == [
        ("marie", "unknown", TEAM_ROOM.id, "invalid"),
        ("marie", "unknown", TEAM_ROOM.id, "refused"),
        ("marie", "unknown", DM.id, "refused"),
    ]
    assert all("MonMotDePasse" not in repr(e) for e in entries)


@pytest.mark.parametrize("command", ["/essai", "/refus", "/stockage"])
async def test_a_finished_command_is_never_run_again(bot: BotHarness, command: str) -> None:
    event = bot.chat.event(bot.chat.users["u-marie"], TEAM_ROOM, command)
    await bot.feed(event)
    processed = bot.app.runtime.services.get(ProcessedMessages)
    assert await processed.claim(event.message_id, now=utcnow() + LATER) is False


async def test_a_command_interrupted_by_a_crash_is_taken_over_later(bot: BotHarness) -> None:
    event = bot.chat.event(bot.chat.users["u-marie"], TEAM_ROOM, "/coupure")
    with pytest.raises(asyncio.CancelledError):
        await bot.feed(event)
    processed = bot.app.runtime.services.get(ProcessedMessages)
    assert await processed.claim(event.message_id) is False  # still within its lease
    assert await processed.claim(event.message_id, now=utcnow() + LATER) is True


async def test_a_command_a_crashed_leader_left_unfinished_is_answered_by_the_next_one(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The replica that takes over replays the message seconds after the crash, well within
    the dead leader's lease: it waits for the lease to end, then runs the command."""
    monkeypatch.setattr("bot.store.repositories.CLAIM_LEASE", timedelta(seconds=0.5))
    event = bot.chat.event(bot.chat.users["u-marie"], TEAM_ROOM, "/langue en")
    processed = bot.app.runtime.services.get(ProcessedMessages)
    assert await processed.claim(event.message_id)  # the dead leader's claim, never finished
    sent = await bot.feed(event)
    assert "English" in texts(sent), texts(sent)
    assert await bot.feed(event) == []  # and from now on it is handled for good


async def test_a_message_arriving_twice_at_once_is_answered_once_and_nobody_waits(
    bot: BotHarness,
) -> None:
    """The stream and a catch-up can bring the same message together after a reconnection:
    the twin is dropped at once instead of waiting two minutes on its sibling's lease."""
    event = bot.chat.event(bot.chat.users["u-marie"], TEAM_ROOM, "/langue en")
    first, twin = await asyncio.wait_for(
        asyncio.gather(bot.feed(event), bot.feed(event)), timeout=10
    )
    assert len(first) + len(twin) == 1
