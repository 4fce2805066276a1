"""The Rocket.Chat transport against the sandbox, in-process: ids, retries, uploads, lookups."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.events import ReactionAdded
from bot.models import Attachment, Button, ChatEvent, Message, RoomType, Upload
from bot.testing import eventually
from integrations.rocketchat.errors import RocketChatUnavailable
from integrations.rocketchat.transport import RocketChatTransport
from integrations.rocketchat.wire import message_id_for
from sandbox.rocketchat import RocketChatSandbox
from tests.integrations.rocketchat.conftest import from_now, transport_for


@pytest.fixture
async def sandbox() -> AsyncIterator[RocketChatSandbox]:
    running = RocketChatSandbox()
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def transport(sandbox: RocketChatSandbox) -> AsyncIterator[RocketChatTransport]:
    chat = transport_for(sandbox)

    async def ignore(_event: object) -> None:
        return None

    await chat.start(ignore, from_now)
    yield chat
    await chat.close()


async def test_a_resent_message_is_posted_once(
    transport: RocketChatTransport, sandbox: RocketChatSandbox
) -> None:
    room_id = sandbox.state.room_id("equipe-projet")
    message = Message(text="Bonjour", idempotency_key="cmd-1:reply:1")
    first = await transport.send(room_id, message)
    again = await transport.send(room_id, message)
    assert first == again == message_id_for("cmd-1:reply:1")
    texts = [m["msg"] for m in sandbox.state.messages("equipe-projet") if m["msg"] == "Bonjour"]
    assert texts == ["Bonjour"]


async def test_buttons_become_message_actions_that_a_click_posts(
    transport: RocketChatTransport, sandbox: RocketChatSandbox
) -> None:
    room_id = sandbox.state.room_id("equipe-projet")
    sent = await transport.send(
        room_id,
        Message(
            text="Réunion",
            attachments=(
                Attachment(title="Point", buttons=(Button("Rejoindre", "!reunion rejoindre 1"),)),
            ),
        ),
    )
    action = sandbox.state.store.message(sent)["attachments"][0]["actions"][0]
    assert action == {
        "type": "button",
        "text": "Rejoindre",
        "msg": "!reunion rejoindre 1",
        "msg_in_chat_window": True,
        "msg_processing_type": "sendMessage",
    }
    clicked = sandbox.state.click("jean", sent, "Rejoindre")
    assert clicked.message["msg"] == "!reunion rejoindre 1"
    assert clicked.message["u"]["username"] == "jean"


async def test_upload_posts_a_file_in_the_thread(
    transport: RocketChatTransport, sandbox: RocketChatSandbox
) -> None:
    room_id = sandbox.state.room_id("equipe-projet")
    parent = sandbox.state.post("marie", "equipe-projet", "/reunion demain 10h").message["_id"]
    await transport.send(
        room_id,
        Message(
            text="Invitation",
            thread_id=parent,
            upload=Upload("reunion.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
        ),
    )
    posted = [m for m in sandbox.state.messages("equipe-projet") if m.get("files")][-1]
    assert posted["files"][0]["name"] == "reunion.ics"
    assert posted["tmid"] == parent
    event = await transport.message(posted["_id"])
    assert event is not None and event.files[0].name == "reunion.ics"
    assert await transport.download(event.files[0]) == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


async def test_direct_messages_and_lookups(
    transport: RocketChatTransport, sandbox: RocketChatSandbox
) -> None:
    await transport.send_direct("jean", Message(text="secret pour jean"))
    assert [m["msg"] for m in sandbox.state.dms("jean")] == ["secret pour jean"]
    room = await transport.room_by_name("#equipe-projet")
    assert room is not None and room.type is RoomType.PRIVATE
    members = {u.username for u in await transport.room_members(room.id)}
    assert members == {"ensemble-bot", "marie", "jean", "sophie", "luc", "alice"}
    marie = await transport.user_by_username("@marie")
    assert marie is not None and marie.display_name == "Marie Curie"
    assert await transport.user_by_username("personne") is None


async def test_room_roles_come_from_the_room_not_the_global_roles(
    transport: RocketChatTransport, sandbox: RocketChatSandbox
) -> None:
    room_id = sandbox.state.room_id("equipe-projet")
    marie, jean = sandbox.state.user_id("marie"), sandbox.state.user_id("jean")
    assert await transport.room_roles(room_id, marie) == {"owner"}  # she created the room
    assert await transport.room_roles(room_id, jean) == frozenset()
    room = sandbox.state.store.room("equipe-projet")
    room.moderators.add(jean)
    assert await transport.room_roles(room_id, jean) == {"moderator"}
    assert await transport.room_roles("GENERAL", marie) == frozenset()


async def test_a_reconnection_is_counted_once_however_many_attempts_it_took(
    sandbox: RocketChatSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    chat = transport_for(sandbox, backoff_base_seconds=0.02)
    reconnections: list[None] = []
    chat.on_reconnect = lambda: reconnections.append(None)

    async def ignore(_event: object) -> None:
        return None

    def refused_me() -> int:
        failed = (r for r in caplog.records if r.getMessage() == "Rocket.Chat call failed")
        return sum(1 for r in failed if getattr(r, "route", None) == "GET me")

    caplog.set_level(logging.INFO, "integrations.rocketchat.rest")
    await chat.start(ignore, from_now)
    try:
        await eventually(lambda: chat.ready)
        assert reconnections == []  # the first session is a connection, not a reconnection
        failing_calls = sandbox.runtime.faults
        failing_calls.error_ratio = 1.0
        await sandbox.runtime.restart()
        await eventually(lambda: refused_me() >= 2)  # the server answered /me with 500, twice
        assert not chat.ready
        failing_calls.error_ratio = 0.0
        await eventually(lambda: chat.ready)
        assert reconnections == [None]
    finally:
        await chat.close()


async def test_stopping_lets_commands_in_flight_reply_then_close_ends_sending(
    transport: RocketChatTransport, sandbox: RocketChatSandbox
) -> None:
    room_id = sandbox.state.room_id("equipe-projet")
    await eventually(lambda: transport.ready)
    await transport.stop()  # shutdown begins: nothing more is received
    assert not transport.ready
    await transport.send(room_id, Message(text="réponse d'une commande en cours"))
    await transport.close()  # once the commands in flight are done
    with pytest.raises(RocketChatUnavailable) as refused:
        await transport.send(room_id, Message(text="trop tard"))
    assert refused.value.service == "Rocket.Chat"
    with pytest.raises(RocketChatUnavailable):
        await transport.user_by_username("marie")  # no HTTP session reopened behind our back
    texts = [m["msg"] for m in sandbox.state.messages("equipe-projet")]
    assert "réponse d'une commande en cours" in texts and "trop tard" not in texts


async def test_a_replica_that_stepped_down_can_lead_again(
    transport: RocketChatTransport, sandbox: RocketChatSandbox
) -> None:
    await eventually(lambda: transport.ready)
    await transport.stop()

    async def ignore(_event: object) -> None:
        return None

    await transport.start(ignore, from_now)
    await eventually(lambda: transport.ready)
    room_id = sandbox.state.room_id("equipe-projet")
    await transport.send(room_id, Message(text="de retour"))
    assert "de retour" in [m["msg"] for m in sandbox.state.messages("equipe-projet")]


async def test_a_command_streamed_again_by_its_thread_reply_is_handed_on_once(
    sandbox: RocketChatSandbox,
) -> None:
    """The bot answers in the command's thread: Rocket.Chat re-emits the command with its new
    tcount. That is no new message; a reaction put on it afterwards still is news."""
    received: list[ChatEvent] = []

    async def record(event: ChatEvent) -> None:
        received.append(event)

    chat = transport_for(sandbox)
    await chat.start(record, from_now)
    try:
        await eventually(lambda: chat.ready)
        room_id = sandbox.state.room_id("equipe-projet")
        command = sandbox.state.post("marie", "equipe-projet", "!aide")
        command_id = command.message["_id"]
        await eventually(lambda: len(received) == 1)
        await chat.send(room_id, Message(text="voici l'aide", thread_id=command_id))
        parent = next(m for m in sandbox.state.messages("equipe-projet")
                      if m["_id"] == command_id)
        assert parent.get("tcount") == 1  # re-emitted on the stream with it
        sandbox.state.react("jean", command_id, ":+1:")
        await eventually(lambda: len(received) == 2)
        await chat.send(room_id, Message(text="encore", thread_id=command_id))
        await asyncio.sleep(0.3)  # what a wrong transport would still hand on
        assert [type(event) for event in received] == [ChatEvent, ReactionAdded]
        assert all(event.message_id == command_id for event in received)
    finally:
        await chat.close()


async def test_answers_in_different_threads_go_side_by_side_and_one_thread_stays_in_order(
    sandbox: RocketChatSandbox,
) -> None:
    """A catch-up answers hundreds of commands of one room, each in its own thread: one
    answer slow to post must not hold up the others, and a thread keeps its order."""
    chat = transport_for(sandbox)
    room_id = sandbox.state.room_id("equipe-projet")
    real_post = chat.rest.post
    held, holding = asyncio.Event(), asyncio.Event()
    posted: list[str] = []

    async def post(endpoint: str, payload: dict[str, Any], **options: Any) -> dict[str, Any]:
        text = payload["message"]["msg"]
        if text == "slow answer in thread A":
            holding.set()
            await held.wait()
        answer = await real_post(endpoint, payload, **options)
        posted.append(str(text))
        return answer

    chat.rest.post = post  # type: ignore[method-assign]
    try:
        first_a = asyncio.create_task(
            chat.send(room_id, Message(text="slow answer in thread A", thread_id="thread-a")))
        second_a = asyncio.create_task(
            chat.send(room_id, Message(text="next in thread A", thread_id="thread-a")))
        await holding.wait()
        async with asyncio.timeout(10):  # behind thread A, it would wait for ever
            await chat.send(room_id, Message(text="answer in thread B", thread_id="thread-b"))
        assert posted == ["answer in thread B"]  # thread A is still held
        held.set()
        await asyncio.gather(first_a, second_a)
        assert posted == ["answer in thread B", "slow answer in thread A", "next in thread A"]
    finally:
        held.set()
        await chat.close()
