"""The requests the companion app sends (fixtures its own tests write) are what the bot reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import PROJECT_ROOT
from bot.events import CommandInvoked
from integrations.rocketchat.companion import (
    CALL_LINK_PATH,
    CALL_PATH,
    COMMAND_PATH,
    call_from,
    invocation_from,
    joiner_from,
)
from integrations.rocketchat.signature import MAX_AGE, authentic

CONTRACT = PROJECT_ROOT / "tests" / "contract" / "rocketchat_app"
FIXTURES = sorted(CONTRACT.glob("*.json"))


def route_of(name: str) -> str:
    """Fixtures are named after what the app did: command_*, call_open, call_link_*."""
    if name.startswith("command_"):
        return COMMAND_PATH
    return CALL_LINK_PATH if name.startswith("call_link_") else CALL_PATH


class At:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def load(path: Path) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return fixture


def test_the_app_recorded_each_kind_of_request() -> None:
    assert {path.stem for path in FIXTURES} >= {
        "command_aide", "command_aide_in_thread", "call_open", "call_link_organizer",
        "call_link_member", "call_link_outsider", "call_link_anonymous",
    }


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.stem)
def test_each_recorded_request_is_authentic_when_fresh_and_refused_when_old(path: Path) -> None:
    fixture = load(path)
    secret, body = fixture["secret"].encode(), fixture["body"].encode()
    signed_at = datetime.fromtimestamp(fixture["signed_at"], UTC)
    assert fixture["method"] == "POST"
    assert fixture["path"] == route_of(path.stem)
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


def test_the_recorded_call_requests_read_as_the_call_and_its_joiners() -> None:
    call = call_from(json.loads(load(CONTRACT / "call_open.json")["body"]))
    assert (call.call_id, call.room.name, call.organizer.username) == (
        "CALLensembleTest1", "equipe-projet", "marie"
    )
    call_id, jean = joiner_from(json.loads(load(CONTRACT / "call_link_member.json")["body"]))
    assert (call_id, jean and jean.username) == ("CALLensembleTest1", "jean")
    anonymous = json.loads(load(CONTRACT / "call_link_anonymous.json")["body"])
    assert joiner_from(anonymous) == ("CALLensembleTest1", None)
