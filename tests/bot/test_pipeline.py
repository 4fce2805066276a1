"""The whole command pipeline fed with events: parsing, usage errors, permissions, limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.config import RateLimitSettings, Settings
from bot.context import Context
from bot.errors import ArgumentError, ServiceUnavailable
from bot.events import CallStarted
from bot.feature import Feature
from bot.i18n import N_
from bot.logs import Redactor
from bot.models import Room, RoomRole, RoomType
from bot.routing import Permission, Router, argument, option
from bot.store.repositories import AuditLog
from commands.core_feature import feature as core
from composition.testing import ADMIN, AGENT, CRISIS_LEAD, TEAM_ROOM, BotHarness

probe = Router()
received: list[dict[str, object]] = []


def parse_count(value: str, _ctx: Context) -> int:
    if not value.isdigit():
        raise ArgumentError(N_("Missing argument: {argument}."), argument=value)
    return int(value)


@probe.command("sonde", aliases=("probe",), help=N_("command"))
@argument("nombre", parse_count, metavar=N_("command"))
@argument("reste", required=False, greedy=True)
@option("avec", multiple=True)
@option("vite", flag=True)
async def sonde(ctx: Context, nombre: int, reste: str | None, avec: list[str], vite: bool) -> None:
    received.append({"nombre": nombre, "reste": reste, "avec": avec, "vite": vite})
    await ctx.reply("ok")


@probe.command("cellule", help=N_("command"), permission=Permission.CRISIS)
async def cellule(ctx: Context) -> None:
    await ctx.reply("cellule ouverte")


@probe.command("repete", help=N_("command"))
@argument("texte", greedy=True)
async def repete(ctx: Context, texte: str) -> None:
    await ctx.reply(texte)


@probe.command("roles", help=N_("command"))
async def roles(ctx: Context) -> None:
    user = ctx.user
    await ctx.reply(f"{','.join(sorted(user.roles))} | {','.join(sorted(user.room_roles))}")


@probe.command("panne", help=N_("command"))
async def panne(ctx: Context) -> None:
    raise ServiceUnavailable("Nextcloud", "timeout")


@probe.command("bogue", help=N_("command"))
async def bogue(ctx: Context) -> None:
    raise RuntimeError("token=abcdef123456 leaked in a bug")


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotHarness]:
    received.clear()
    async with BotHarness(settings, features=[core, Feature("probe", [probe])]) as running:
        yield running


def texts(sent: list[object]) -> str:
    return "\n".join(s.message.text for s in sent)  # type: ignore[attr-defined]


async def test_arguments_options_and_quotes_reach_the_handler(bot: BotHarness) -> None:
    await bot.say('/sonde 3 "point hebdo" l\'agence --avec @jean #general --vite')
    assert received == [
        {"nombre": 3, "reste": "point hebdo l'agence", "avec": ["@jean", "#general"], "vite": True}
    ]


async def test_bang_prefix_alias_and_dm_plain_text_are_commands(bot: BotHarness) -> None:
    await bot.say("!probe 1")
    dm = Room("dm-marie", "marie", RoomType.DIRECT)
    await bot.say("sonde 2", room=dm)
    await bot.say("sonde 3")  # plain text in a room is conversation, not a command
    assert [r["nombre"] for r in received] == [1, 2]


async def test_bad_input_gives_the_reason_then_the_usage_in_french(bot: BotHarness) -> None:
    answer = texts(await bot.say("/sonde"))
    assert "Argument manquant\u202f: commande." in answer
    assert "Utilisation\u202f: `/sonde <commande> [reste…] [--avec avec…] [--vite]`" in answer
    assert received == []


async def test_bad_input_is_answered_in_english_after_langue_en(bot: BotHarness) -> None:
    confirmation = texts(await bot.say("/langue en"))
    assert confirmation == "From now on I will answer you in English."
    answer = texts(await bot.say("/sonde 1 --inconnue"))
    assert "Unknown option --inconnue." in answer
    assert "Usage: `/sonde" in answer


async def test_unclosed_quote_is_reported_not_guessed(bot: BotHarness) -> None:
    answer = texts(await bot.say('/sonde 1 "point hebdo'))
    assert "Un guillemet n’est pas refermé." in answer
    assert received == []


async def test_unknown_command_suggests_the_closest(bot: BotHarness) -> None:
    answer = texts(await bot.say("/sondr 1"))
    assert "Commande inconnue\u202f: /sondr. Vouliez-vous dire /sonde" in answer


async def test_crisis_command_names_the_roles_allowed(bot: BotHarness) -> None:
    denied = texts(await bot.say("/cellule"))
    assert denied == "/cellule est réservée à ces rôles\u202f: admin, crise."
    assert texts(await bot.say("/cellule", user=CRISIS_LEAD)) == "cellule ouverte"
    assert texts(await bot.say("/cellule", user=ADMIN)) == "cellule ouverte"


async def test_a_replayed_message_is_handled_once(bot: BotHarness) -> None:
    event = bot.chat.event(AGENT, TEAM_ROOM, "/sonde 7")
    await bot.feed(event)
    await bot.feed(event)
    assert len(received) == 1
    assert texts(bot.chat.sent) == "ok"


async def test_rate_limit_answers_with_the_wait(tmp_path: object, settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit": RateLimitSettings(burst=2, per_minute=1)})
    async with BotHarness(limited, features=[core, Feature("probe", [probe])]) as bot:
        received.clear()
        for _ in range(3):
            answers = await bot.say("/sonde 1")
        assert "Vous envoyez des commandes trop vite\u202f; réessayez dans 60 s." in texts(answers)
        assert len(received) == 2
        other = await bot.say("/sonde 1", user=CRISIS_LEAD)
        assert texts(other) == "ok"


async def test_unavailable_service_is_named_with_a_reference(bot: BotHarness) -> None:
    answer = texts(await bot.say("/panne"))
    assert answer.startswith("Nextcloud ne répond pas pour le moment")
    assert "réf. " in answer


async def test_a_crash_never_shows_a_traceback_or_secret(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(Redactor())
    answer = texts(await bot.say("/bogue"))
    assert "Une erreur s’est produite de notre côté" in answer
    assert "Traceback" not in answer and "abcdef123456" not in answer
    reference = answer.rsplit("réf. ", 1)[1].rstrip(".")
    failures = [r for r in caplog.records if r.getMessage() == "command failed"]
    assert [getattr(r, "correlation_id", None) for r in failures] == [reference]
    assert "abcdef123456" not in caplog.handler.format(failures[0])


async def test_audit_records_who_what_where_and_outcome(bot: BotHarness) -> None:
    await bot.say("/sonde 1")
    await bot.say("/cellule")
    entries = await bot.app.runtime.services.get(AuditLog).recent()
    assert [(e.username, e.command, e.room_id, e.outcome) for e in entries] == [
        ("marie", "cellule", TEAM_ROOM.id, "denied"),
        ("marie", "sonde", TEAM_ROOM.id, "ok"),
    ]


async def test_reply_goes_to_the_thread_of_the_command(bot: BotHarness) -> None:
    sent = await bot.say("/sonde 1", thread_id="parent-1")
    assert sent[0].message.thread_id == "parent-1"
    assert sent[0].room_id == TEAM_ROOM.id


async def test_own_messages_and_call_events_without_handler_are_ignored(bot: BotHarness) -> None:
    bot_user = bot.chat.users["bot"]
    assert await bot.say("/sonde 1", user=bot_user) == []
    call = CallStarted("c1", AGENT, TEAM_ROOM, "", datetime.now(UTC), call_id="x")
    assert await bot.feed(call) == []


async def test_mass_mentions_are_never_echoed(bot: BotHarness) -> None:
    answer = texts(await bot.say("/repete bonjour @all et @here"))
    assert "@all" not in answer and "@here" not in answer
    assert answer == "bonjour @\u200dall et @\u200dhere"


async def test_an_overlong_command_is_refused_without_running(bot: BotHarness) -> None:
    answer = texts(await bot.say("/sonde 1 " + "x" * 3000))
    assert "Cette commande est trop longue (3" in answer
    assert received == []


async def test_roles_held_in_the_room_are_kept_apart_from_the_global_ones(
    bot: BotHarness,
) -> None:
    bot.chat.room_role_holders[(TEAM_ROOM.id, AGENT.id)] = frozenset({RoomRole.OWNER})
    assert texts(await bot.say("/roles")) == "user | owner"
    other_room = Room("r-other", "autre", RoomType.PRIVATE)
    assert texts(await bot.say("/roles", room=other_room)) == "user | "
    assert texts(await bot.say("/roles", user=CRISIS_LEAD)) == "crise,user | "


async def test_a_top_level_command_is_answered_in_its_own_thread_shown_in_the_room(
    bot: BotHarness,
) -> None:
    sent = await bot.say("/sonde 1")
    command_id = next(iter(bot.chat.messages))
    assert sent[0].message.thread_id == command_id
    assert sent[0].message.also_in_room is True
    dm = Room("dm-marie", "marie", RoomType.DIRECT)
    flat = await bot.say("sonde 2", room=dm)
    assert flat[0].message.thread_id is None
