"""Catch-up after a (re)connection: only the gap since the resume point, within the window."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.events import MembershipChanged, MessagePinned, ReactionAdded
from bot.models import ChatEvent
from bot.ports import ResumeFrom
from bot.testing import eventually
from integrations.rocketchat.transport import RocketChatTransport
from sandbox.rocketchat import RocketChatSandbox
from tests.integrations.rocketchat.conftest import Chat, from_now, resume_at

ROOM = "equipe-projet"
Start = Callable[[ResumeFrom], Awaitable[RocketChatTransport]]


class Heard:
    """What reached the bot, each message once (a message said during catch-up may come both
    live and replayed: dropping the twin is the router's dedupe's job)."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.changes: list[ChatEvent] = []  # reactions, pins: about a message, not one
        self._ids: set[str] = set()

    async def __call__(self, event: ChatEvent) -> None:
        if isinstance(event, ReactionAdded | MessagePinned | MembershipChanged):
            self.changes.append(event)
        elif event.message_id not in self._ids:
            self._ids.add(event.message_id)
            self.texts.append(event.text)


def post_ago(sandbox: RocketChatSandbox, minutes: float, text: str, room: str = ROOM) -> str:
    """A message stamped `minutes` ago by the server's own clock."""
    clock = sandbox.state.store.clock
    clock.advance(-minutes * 60)
    try:
        return str(sandbox.state.post("marie", room, text).message["_id"])
    finally:
        clock.advance(minutes * 60)


@pytest.fixture
def heard() -> Heard:
    return Heard()


@pytest.fixture
async def start(chat: Chat, heard: Heard) -> AsyncIterator[Start]:
    transport, _sandbox = chat

    async def starting(resume_from: ResumeFrom) -> RocketChatTransport:
        await transport.start(heard, resume_from)
        await eventually(lambda: transport.ready)
        return transport

    yield starting


async def _marker(sandbox: RocketChatSandbox, heard: Heard) -> None:
    """Once a message posted now is heard, anything replayed would have been too."""
    sandbox.state.post("marie", ROOM, "!marqueur")
    await eventually(lambda: "!marqueur" in heard.texts)
    await asyncio.sleep(0.2)


async def test_a_store_that_never_saw_the_chat_answers_nothing_said_before(
    chat: Chat, heard: Heard, start: Start
) -> None:
    _transport, sandbox = chat
    old = post_ago(sandbox, 10, "!reunion point")
    await start(from_now)
    sandbox.state.react("jean", old, ":thumbsup:")  # streams the old command again
    sandbox.state.post("jean", ROOM, "d'accord", tmid=old)  # and so does a thread reply
    await _marker(sandbox, heard)
    assert heard.texts == ["d'accord", "!marqueur"]
    # The reaction itself is news, whatever the age of the message it is on.
    assert [(e.message_id, e.user.username) for e in heard.changes] == [(old, "jean")]


async def test_catch_up_replays_from_the_resume_point_oldest_first_across_rooms(
    chat: Chat, heard: Heard, start: Start
) -> None:
    _transport, sandbox = chat
    post_ago(sandbox, 30, "!avant")
    post_ago(sandbox, 5, "!ici")
    post_ago(sandbox, 10, "!ailleurs", room="general")
    now = datetime.now(UTC)
    await start(resume_at(now - timedelta(minutes=20)))
    await _marker(sandbox, heard)
    assert heard.texts == ["!ailleurs", "!ici", "!marqueur"]


async def test_after_a_long_outage_nothing_older_than_the_window_is_answered(
    chat: Chat, heard: Heard, start: Start
) -> None:
    _transport, sandbox = chat
    too_old = post_ago(sandbox, 120, "!reunion hier")
    sandbox.state.react("jean", too_old, ":eyes:")  # updated now: syncMessages returns it
    post_ago(sandbox, 30, "!aide")
    now = datetime.now(UTC)
    await start(resume_at(now - timedelta(hours=3)))
    sandbox.state.react("sophie", too_old, ":tada:")  # and the live stream too
    await _marker(sandbox, heard)
    assert heard.texts == ["!aide", "!marqueur"]
