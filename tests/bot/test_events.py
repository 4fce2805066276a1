"""Events other than commands through the pipeline: observers by type, dedupe keys, ticks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.context import Context
from bot.events import (
    CallStarted,
    Membership,
    MembershipChanged,
    MessagePinned,
    ReactionAdded,
    Tick,
)
from bot.feature import Feature
from bot.logs import Redactor
from bot.models import ChatEvent
from bot.routing import Router
from bot.store.repositories import AuditLog
from commands.core_feature import feature as core
from composition.testing import ADMIN, AGENT, CRISIS_LEAD, TEAM_ROOM, BotHarness

watcher = Router()
seen: list[ChatEvent] = []


@watcher.on(ReactionAdded)
@watcher.on(MessagePinned)
@watcher.on(MembershipChanged)
async def observe(ctx: Context, event: ChatEvent) -> None:
    seen.append(event)
    await ctx.reply(f"vu : {event.label}")


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[BotHarness]:
    seen.clear()
    async with BotHarness(settings, features=[core, Feature("watcher", [watcher])]) as running:
        yield running


def on_message(kind: type[ChatEvent], message_id: str, **fields: object) -> ChatEvent:
    base = {"message_id": message_id, "user": CRISIS_LEAD, "room": TEAM_ROOM,
            "text": "/aide", "timestamp": datetime.now(UTC)}
    return kind(**{**base, **fields})  # type: ignore[arg-type]


async def test_each_observer_gets_its_event_type_once_and_never_as_a_command(
    bot: BotHarness,
) -> None:
    command = bot.chat.event(AGENT, TEAM_ROOM, "/aide")
    await bot.feed(command)  # the message itself, handled as a command
    pinned_at = datetime.now(UTC)
    events = [
        on_message(ReactionAdded, command.message_id, reaction=":+1:"),
        on_message(ReactionAdded, command.message_id, reaction=":+1:", user=ADMIN),
        on_message(MessagePinned, command.message_id, pinned_at=pinned_at),
        on_message(MembershipChanged, "sys-1", member=AGENT, change=Membership.REMOVED),
    ]
    for event in events * 2:  # every event twice: a re-emission, a catch-up
        await bot.feed(event)
    assert seen == events
    assert "/aide" not in [s.message.text for s in bot.chat.sent[1:]]  # no second help
    # A later pin of the same message (unpinned in between) is a new event.
    again = on_message(MessagePinned, command.message_id, pinned_at=datetime.now(UTC))
    await bot.feed(again)
    assert seen[-1] is again
    entries = await bot.app.runtime.services.get(AuditLog).recent()
    labels = [e.command for e in reversed(entries)]
    assert labels == ["aide", "reaction", "reaction", "pin", "membership removed", "pin"]
    assert len({e.correlation_id for e in entries}) == len(entries)


async def test_events_nobody_observes_are_ignored(bot: BotHarness) -> None:
    call = CallStarted("c1", AGENT, TEAM_ROOM, "", datetime.now(UTC), call_id="x")
    assert await bot.feed(call) == []
    assert await bot.app.runtime.services.get(AuditLog).recent() == []


async def test_ticks_are_measured_and_a_failing_one_is_logged_with_its_reference(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(Redactor())  # what adds the correlation id to each record
    runs: list[str] = []

    async def fine() -> None:
        runs.append("fine")

    async def broken() -> None:
        raise RuntimeError("the job broke")

    assert bot.app.dispatcher is not None
    await bot.app.dispatcher.feed(Tick("sonde", fine))
    await bot.app.dispatcher.feed(Tick("panne", broken))  # never raises into the scheduler
    assert runs == ["fine"]
    metrics = bot.app.metrics.render().decode()
    assert 'ensemble_commands_total{command="tick sonde",outcome="ok"} 1.0' in metrics
    assert 'ensemble_commands_total{command="tick panne",outcome="error"} 1.0' in metrics
    [failure] = [r for r in caplog.records if r.getMessage() == "event failed"]
    assert getattr(failure, "correlation_id", "-") != "-"
    assert await bot.app.runtime.services.get(AuditLog).recent() == []  # the bot's own work

