"""Reactions, pins and membership changes from the sandbox, through the whole application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import Application
from bot.context import Context
from bot.events import Membership, MembershipChanged, MessagePinned, ReactionAdded
from bot.feature import Feature
from bot.models import ChatEvent
from bot.routing import Router
from bot.store.repositories import AuditLog
from commands.core_feature import feature as core
from composition.testing import eventually, make_settings, sqlite_url
from integrations.rocketchat.settings import RocketChatSettings
from integrations.rocketchat.transport import RocketChatTransport
from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.state import rooms

ROOM = "equipe-projet"
watcher = Router()
seen: list[ChatEvent] = []


@watcher.on(ReactionAdded)
@watcher.on(MessagePinned)
@watcher.on(MembershipChanged)
async def observe(_ctx: Context, event: ChatEvent) -> None:
    seen.append(event)


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[tuple[Application, RocketChatSandbox]]:
    seen.clear()
    sandbox = RocketChatSandbox()
    await sandbox.start()
    env = sandbox.env()
    settings = make_settings(
        sqlite_url(tmp_path),
        rocketchat=RocketChatSettings(
            url=env["ENSEMBLE_ROCKETCHAT__URL"],
            user_id=env["ENSEMBLE_ROCKETCHAT__USER_ID"],
            token=env["ENSEMBLE_ROCKETCHAT__TOKEN"],
        ),
    )
    transport = RocketChatTransport(settings.rocketchat, backoff_base_seconds=0.05)
    application = Application(
        settings, transport, features=[core, Feature("watcher", [watcher])], serve_http=False
    )
    await application.start()
    await eventually(lambda: transport.ready)
    yield application, sandbox
    await application.stop()
    await sandbox.stop()


def described(event: ChatEvent) -> tuple[str, ...]:
    if isinstance(event, ReactionAdded):
        return ("reaction", event.user.username, event.reaction)
    if isinstance(event, MessagePinned):
        return ("pin", event.user.username)
    assert isinstance(event, MembershipChanged)
    return ("membership", event.user.username, event.member.username, event.change)


async def test_reactions_pins_and_membership_changes_reach_their_handler_once(
    app: tuple[Application, RocketChatSandbox],
) -> None:
    application, sandbox = app
    state = sandbox.state
    await asyncio.sleep(0.2)  # the session's subscriptions are in place
    mid = state.post("marie", ROOM, "Point de situation à 14h").message["_id"]
    state.react("jean", mid, ":+1:")
    state.pin("marie", mid)
    state.kick("marie", ROOM, "alice")
    store = state.store
    rooms.add_member(store, store.room(ROOM), store.user("alice"), store.user("marie"))
    # Re-emits the message with jean's reaction and the pin: neither is told again.
    state.react("luc", mid, ":eyes:")
    expected = [
        ("reaction", "jean", ":+1:"),
        ("pin", "marie"),
        ("membership", "marie", "alice", Membership.REMOVED),
        ("membership", "marie", "alice", Membership.ADDED),
        ("reaction", "luc", ":eyes:"),
    ]
    await eventually(lambda: len(seen) >= len(expected))
    await sandbox.runtime.restart()  # the catch-up brings every changed message again
    await asyncio.sleep(1.5)
    # Handled concurrently, like commands: each exactly once, in whatever order they end.
    assert sorted(map(str, map(described, seen))) == sorted(map(str, expected))
    assert all(e.room.name == ROOM for e in seen)
    assert {e.message_id for e in seen if not isinstance(e, MembershipChanged)} == {mid}
    [jean] = [e for e in seen if e.user.username == "jean"]
    assert jean.user.id == state.user_id("jean")  # a known user: identity and audit work
    assert {e.member.id for e in seen if isinstance(e, MembershipChanged)} == {
        state.user_id("alice")
    }
    audited = [e.command for e in await application.runtime.services.get(AuditLog).recent()]
    assert sorted(audited) == sorted(
        ["reaction", "pin", "membership removed", "membership added", "reaction"]
    )
