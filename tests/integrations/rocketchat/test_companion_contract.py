"""The requests the companion app sends (fixtures its own tests write) are what the bot reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import PROJECT_ROOT
from bot.events import CommandInvoked
from integrations.rocketchat.companion import COMMAND_PATH, invocation_from
from integrations.rocketchat.signature import MAX_AGE, authentic

CONTRACT = PROJECT_ROOT / "tests" / "contract" / "rocketchat_app"
FIXTURES = sorted(CONTRACT.glob("command_*.json"))


class At:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def load(path: Path) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return fixture


def test_the_app_recorded_its_command_requests() -> None:
    assert {path.stem for path in FIXTURES} >= {"command_aide", "command_aide_in_thread"}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.stem)
def test_each_recorded_request_is_authentic_when_fresh_and_refused_when_old(path: Path) -> None:
    fixture = load(path)
    secret, body = fixture["secret"].encode(), fixture["body"].encode()
    signed_at = datetime.fromtimestamp(fixture["signed_at"], UTC)
    assert fixture["method"] == "POST"
    assert fixture["path"] == COMMAND_PATH
    assert authentic(secret, fixture["headers"], body, signed_at + timedelta(seconds=30))
    too_late = signed_at + MAX_AGE + timedelta(seconds=1)
    assert not authentic(secret, fixture["headers"], body, too_late)
    assert not authentic(b"another secret", fixture["headers"], body, signed_at)
    assert not authentic(secret, fixture["headers"], body + b" ", signed_at)


def test_the_recorded_requests_read_as_the_commands_typed() -> None:
    moment = At(datetime(2026, 1, 1, 10, tzinfo=UTC))
    in_room = invocation_from(json.loads(load(CONTRACT / "command_aide.json")["body"]), moment)
    assert isinstance(in_room, CommandInvoked)
    assert (in_room.text, in_room.user.username, in_room.room.name) == (
        "/aide reunion", "marie", "equipe-projet"
    )
    assert in_room.thread_id is None
    assert in_room.dedupe_key == "invoked:trigger-1"
    threaded = json.loads(load(CONTRACT / "command_aide_in_thread.json")["body"])
    assert invocation_from(threaded, moment).thread_id == "THREADROOTmsg0001"
