"""A file posted through rooms.media + rooms.mediaConfirm lands once, answers lost or not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.config import RocketChatSettings
from bot.models import Message, Upload
from integrations.rocketchat import RocketChatTransport
from integrations.rocketchat.errors import RocketChatUnavailable
from sandbox.rocketchat import RocketChatSandbox


@pytest.fixture
async def chat() -> AsyncIterator[tuple[RocketChatTransport, RocketChatSandbox]]:
    sandbox = RocketChatSandbox()
    await sandbox.start()
    env = sandbox.env()
    transport = RocketChatTransport(RocketChatSettings(
        url=env["ENSEMBLE_ROCKETCHAT__URL"], user_id=env["ENSEMBLE_ROCKETCHAT__USER_ID"],
        token=env["ENSEMBLE_ROCKETCHAT__TOKEN"],
    ))
    yield transport, sandbox
    await transport.close()
    await sandbox.stop()


def file_messages(sandbox: RocketChatSandbox, name: str) -> list[dict[str, Any]]:
    return [m for m in sandbox.state.messages("equipe-projet")
            if (m.get("file") or {}).get("name") == name]


async def test_a_confirm_whose_answer_was_lost_is_not_sent_twice(
    chat: tuple[RocketChatTransport, RocketChatSandbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    transport, sandbox = chat
    real_post = transport.rest.post
    lost: list[str] = []

    async def answer_lost_once(endpoint: str, payload: dict[str, Any], **options: Any) -> Any:
        body = await real_post(endpoint, payload, **options)
        if endpoint.startswith("rooms.mediaConfirm/") and not lost:
            lost.append(endpoint)  # the server posted the file; its answer never came back
            raise RocketChatUnavailable("timeout")
        return body

    monkeypatch.setattr(transport.rest, "post", answer_lost_once)
    room = sandbox.state.room_id("equipe-projet")
    sent = await transport.send(room, Message(
        text="Invitation", upload=Upload("reunion.ics", b"BEGIN:VCALENDAR", "text/calendar"),
        idempotency_key="cmd-7:ics",
    ))
    assert lost, "the lost answer was not simulated"
    [posted] = file_messages(sandbox, "reunion.ics")
    assert sent == posted["_id"]


async def test_the_sandbox_posts_again_on_a_second_confirm_as_rocketchat_does(
    chat: tuple[RocketChatTransport, RocketChatSandbox],
) -> None:
    transport, sandbox = chat
    room = sandbox.state.room_id("equipe-projet")
    media = await transport.rest.upload(f"rooms.media/{room}", "a.txt", b"a", "text/plain", {})
    confirm = f"rooms.mediaConfirm/{room}/{media['file']['_id']}"
    await transport.rest.post(confirm, {"msg": ""})
    await transport.rest.post(confirm, {"msg": ""})
    assert len(file_messages(sandbox, "a.txt")) == 2
