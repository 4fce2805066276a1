"""Membership checks through the transport: one filtered call, exact user, any room type."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import RocketChatSettings
from bot.models import User
from integrations.rocketchat import RocketChatTransport
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


def person(sandbox: RocketChatSandbox, username: str) -> User:
    return User(sandbox.state.user_id(username), username, username, frozenset({"user"}))


async def test_members_and_outsiders_are_told_apart_in_private_and_public_rooms(
    chat: tuple[RocketChatTransport, RocketChatSandbox],
) -> None:
    transport, sandbox = chat
    team = sandbox.state.room_id("equipe-projet")
    sandbox.state.create_user("paul", name="Paul Marie")  # his name contains "marie"
    assert await transport.is_member(team, person(sandbox, "marie"))
    assert not await transport.is_member(team, person(sandbox, "paul"))
    general = sandbox.state.room_id("general")
    assert await transport.is_member(general, person(sandbox, "marie"))


async def test_a_name_that_only_contains_the_username_is_not_a_match(
    chat: tuple[RocketChatTransport, RocketChatSandbox],
) -> None:
    transport, sandbox = chat
    team = sandbox.state.room_id("equipe-projet")
    # Someone whose username is a substring of a member's: the filter finds the member,
    # the check must still answer for the exact account asked about.
    sandbox.state.create_user("mari", roles=["user"])
    assert not await transport.is_member(team, person(sandbox, "mari"))
