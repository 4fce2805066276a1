"""A message with files is also told as a FilePosted; accounts read as the core's User."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import Application
from bot.context import Context
from bot.events import FilePosted
from bot.feature import Feature
from bot.routing import Router
from commands.core_feature import feature as core
from composition.testing import eventually, make_settings, sqlite_url
from integrations.rocketchat.settings import RocketChatSettings
from integrations.rocketchat.transport import RocketChatTransport
from integrations.rocketchat.wire import user_from_raw
from sandbox.rocketchat import RocketChatSandbox

ROOM = "equipe-projet"
watcher = Router()
posted: list[FilePosted] = []


@watcher.on(FilePosted)
async def observe(_ctx: Context, event: FilePosted) -> None:
    posted.append(event)


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[tuple[Application, RocketChatSandbox]]:
    posted.clear()
    sandbox = RocketChatSandbox()
    await sandbox.start()
    env = sandbox.env()
    settings = make_settings(sqlite_url(tmp_path), rocketchat=RocketChatSettings(
        url=env["ENSEMBLE_ROCKETCHAT__URL"], user_id=env["ENSEMBLE_ROCKETCHAT__USER_ID"],
        token=env["ENSEMBLE_ROCKETCHAT__TOKEN"],
    ))
    transport = RocketChatTransport(settings.rocketchat, backoff_base_seconds=0.05)
    application = Application(
        settings, transport, features=[core, Feature("watcher", [watcher])], serve_http=False
    )
    await application.start()
    await eventually(lambda: transport.ready)
    yield application, sandbox
    await application.stop()
    await sandbox.stop()


async def test_a_file_message_is_told_with_its_files_a_text_is_not(
    app: tuple[Application, RocketChatSandbox],
) -> None:
    _application, sandbox = app
    state = sandbox.state
    state.post("marie", ROOM, "rien de joint")
    content = b"%PDF-1.4 " + bytes(3000)
    file = {"name": "rapport.pdf", "type": "application/pdf",
            "content_base64": base64.b64encode(content).decode()}
    message = state.post("marie", ROOM, "le rapport", file=file).message
    await eventually(lambda: len(posted) >= 1)
    [event] = posted
    assert event.message_id == message["_id"] and event.user.username == "marie"
    assert [(f.name, f.size) for f in event.files] == [("rapport.pdf", len(content))]
    assert event.room.name == ROOM


def test_an_account_tells_whether_it_is_a_bot_and_when_it_was_created() -> None:
    robot = user_from_raw({"_id": "b1", "username": "rocket.cat", "type": "bot"})
    assert robot.is_bot and robot.created_at is None
    person = user_from_raw({"_id": "u1", "username": "paul", "type": "user",
                            "createdAt": "2026-12-02T09:00:00.000Z", "roles": ["user"]})
    assert not person.is_bot and person.created_at is not None
    assert person.created_at.isoformat() == "2026-12-02T09:00:00+00:00"
