"""The REST client against the sandbox's rate limiter (spec §5.3), as a user without bypass."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from integrations.rocketchat.rest import RestClient
from sandbox.rocketchat import RocketChatSandbox

WINDOW_MS = 600
CALLS_PER_WINDOW = 3


@pytest.fixture
async def sandbox() -> AsyncIterator[RocketChatSandbox]:
    running = RocketChatSandbox()
    settings = running.state.store.settings
    settings["API_Enable_Rate_Limiter_Limit_Calls_Default"] = CALLS_PER_WINDOW
    settings["API_Enable_Rate_Limiter_Limit_Time_Default"] = WINDOW_MS
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def limited_client(
    sandbox: RocketChatSandbox,
) -> AsyncIterator[tuple[RestClient, list[float]]]:
    # marie has no api-bypass-rate-limit: the limiter applies to her, as to a bot without `bot`.
    token = sandbox.state.create_personal_access_token("marie")
    refusals: list[float] = []
    client = RestClient(
        sandbox.url,
        sandbox.state.user_id("marie"),
        token,
        timeout=5,
        on_rate_limited=refusals.append,
    )
    yield client, refusals
    await client.close()


async def test_an_exhausted_window_pauses_the_route_instead_of_being_refused(
    limited_client: tuple[RestClient, list[float]],
) -> None:
    client, refusals = limited_client
    for _ in range(CALLS_PER_WINDOW * 2):
        assert (await client.get("me"))["username"] == "marie"
    assert refusals == []  # X-RateLimit-Remaining 0 was heeded: no call was refused


async def test_concurrent_callers_refused_together_all_get_through_after_the_reset(
    limited_client: tuple[RestClient, list[float]],
) -> None:
    client, refusals = limited_client
    answers = await asyncio.gather(*(client.get("me") for _ in range(CALLS_PER_WINDOW * 3)))
    assert [a["username"] for a in answers] == ["marie"] * CALLS_PER_WINDOW * 3
    assert all(wait <= WINDOW_MS / 1000 + 0.1 for wait in refusals)


async def test_a_paused_route_does_not_pause_the_others(
    limited_client: tuple[RestClient, list[float]],
) -> None:
    client, _refusals = limited_client
    for _ in range(CALLS_PER_WINDOW):
        await client.get("me")
    waiting_for_reset = asyncio.create_task(client.get("me"))
    rooms = await client.get("rooms.get")
    assert "update" in rooms
    assert not waiting_for_reset.done()  # "me" still waits for its window; "rooms.get" did not
    assert (await waiting_for_reset)["username"] == "marie"
