"""A flood on the live stream: bounded memory, and what was let go is read from history."""

from __future__ import annotations

import asyncio

from bot.models import ChatEvent
from bot.testing import eventually
from tests.integrations.rocketchat.conftest import Chat, from_now, transport_for

ROOM = "equipe-projet"
BACKLOG = 5


async def test_a_flood_past_the_backlog_is_read_from_history_each_message_heard(
    chat: Chat,
) -> None:
    _, sandbox = chat
    transport = transport_for(sandbox, {"stream_backlog": BACKLOG})
    busy = asyncio.Event()
    heard: list[ChatEvent] = []

    async def sink(event: ChatEvent) -> None:
        heard.append(event)
        await busy.wait()  # the bot takes nothing more in until it has room

    backlog: list[int] = []
    overflows: list[None] = []
    transport.on_backlog = backlog.append
    transport.on_overflow = lambda: overflows.append(None)
    await transport.start(sink, from_now)
    try:
        await eventually(lambda: transport.ready)
        posted = [str(sandbox.state.post("marie", ROOM, f"!langue fr {n}").message["_id"])
                  for n in range(40)]
        await eventually(lambda: len(overflows) >= 1)
        assert max(backlog) == BACKLOG
        busy.set()
        await eventually(lambda: set(posted) <= {e.message_id for e in heard}, timeout=10)
        first: dict[str, ChatEvent] = {}
        for event in heard:
            first.setdefault(event.message_id, event)
        assert sorted(first) == sorted(posted)
        stamps = [e.timestamp for e in first.values()]
        assert stamps == sorted(stamps)  # oldest first: the live ones, then the history
        assert max(backlog) == BACKLOG  # never more kept than the limit
        # Frames still streaming in when the backlog is through come live and from history
        # alike (the router's dedupe drops the twin): one more hearing per overflow at most.
        assert len(heard) <= len(posted) * (len(overflows) + 1) + BACKLOG + 1
    finally:
        await transport.close()
