"""A file posted through rooms.media + rooms.mediaConfirm lands once, answers lost or not."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import RoomClosed
from bot.models import Message, Upload
from integrations.rocketchat.transport import RocketChatTransport
from sandbox.rocketchat import RocketChatSandbox
from tests.integrations.rocketchat.conftest import Chat


def file_messages(
    sandbox: RocketChatSandbox, name: str, room: str = "equipe-projet"
) -> list[dict[str, Any]]:
    return [m for m in sandbox.state.messages(room) if (m.get("file") or {}).get("name") == name]


def lose_answers(
    transport: RocketChatTransport, monkeypatch: pytest.MonkeyPatch, route: str, times: int
) -> list[str]:
    """The server does the work, then the answer never arrives (a timeout), `times` times."""
    real_send = transport.rest._send
    lost: list[str] = []

    async def send(route_key: str, method: str, endpoint: str, request: Any) -> Any:
        body = await real_send(route_key, method, endpoint, request)
        if endpoint.startswith(route) and len(lost) < times:
            lost.append(endpoint)
            raise TimeoutError
        return body

    monkeypatch.setattr(transport.rest, "_send", send)
    return lost


def invitation() -> Message:
    return Message(
        text="Invitation", upload=Upload("reunion.ics", b"BEGIN:VCALENDAR", "text/calendar"),
        idempotency_key="cmd-7:ics",
    )


async def test_a_confirm_whose_answer_was_lost_is_not_sent_twice(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport, sandbox = chat
    lost = lose_answers(transport, monkeypatch, "rooms.mediaConfirm/", times=1)
    sent = await transport.send(sandbox.state.room_id("equipe-projet"), invitation())
    assert lost, "the lost answer was not simulated"
    [posted] = file_messages(sandbox, "reunion.ics")
    assert sent == posted["_id"]


async def test_when_the_room_cannot_be_looked_at_the_file_is_not_confirmed_again(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport, sandbox = chat
    lose_answers(transport, monkeypatch, "rooms.mediaConfirm/", times=1)
    failing_lookups = lose_answers(transport, monkeypatch, "chat.syncMessages", times=1)
    sent = await transport.send(sandbox.state.room_id("equipe-projet"), invitation())
    assert failing_lookups, "the failed lookup was not simulated"
    [posted] = file_messages(sandbox, "reunion.ics")
    assert sent == posted["_id"]


async def test_the_sandbox_posts_again_on_a_second_confirm_as_rocketchat_does(
    chat: Chat,
) -> None:
    transport, sandbox = chat
    room = sandbox.state.room_id("equipe-projet")
    media = await transport.rest.upload(f"rooms.media/{room}", "a.txt", b"a", "text/plain", {})
    confirm = f"rooms.mediaConfirm/{room}/{media['file']['_id']}"
    await transport.rest.post(confirm, {"msg": ""})
    await transport.rest.post(confirm, {"msg": ""})
    assert len(file_messages(sandbox, "a.txt")) == 2


async def test_a_file_for_a_read_only_room_is_refused_as_a_closed_room(chat: Chat) -> None:
    """mediaConfirm checks what sendMessage checks: the caller can then answer by DM."""
    transport, sandbox = chat
    room = sandbox.state.create_room("annonces", "p", ["marie", "ensemble-bot"],
                                     owner="marie", read_only=True)
    with pytest.raises(RoomClosed):
        await transport.send(room.id, invitation())
    assert file_messages(sandbox, "reunion.ics", room="annonces") == []
