"""Membership checks through the transport: one filtered call, exact user, any room type."""

from __future__ import annotations

from bot.models import User
from sandbox.rocketchat import RocketChatSandbox
from tests.integrations.rocketchat.conftest import Chat


def person(sandbox: RocketChatSandbox, username: str) -> User:
    return User(sandbox.state.user_id(username), username, username, frozenset({"user"}))


async def test_members_and_outsiders_are_told_apart_in_private_and_public_rooms(
    chat: Chat,
) -> None:
    transport, sandbox = chat
    team = sandbox.state.room_id("equipe-projet")
    sandbox.state.create_user("paul", name="Paul Marie")  # his name contains "marie"
    assert await transport.is_member(team, person(sandbox, "marie"))
    assert not await transport.is_member(team, person(sandbox, "paul"))
    general = sandbox.state.room_id("general")
    assert await transport.is_member(general, person(sandbox, "marie"))


async def test_a_name_that_only_contains_the_username_is_not_a_match(
    chat: Chat,
) -> None:
    transport, sandbox = chat
    team = sandbox.state.room_id("equipe-projet")
    # Someone whose username is a substring of a member's: the filter finds the member,
    # the check must still answer for the exact account asked about.
    sandbox.state.create_user("mari", roles=["user"])
    assert not await transport.is_member(team, person(sandbox, "mari"))
