"""The REST client against the sandbox's rate limiter, as a user without bypass."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from integrations.rocketchat import rest
from integrations.rocketchat.errors import RocketChatUnavailable
from integrations.rocketchat.rest import RestClient
from sandbox.rocketchat import RocketChatSandbox

CALLS_PER_WINDOW = 3


@pytest.fixture
def window_ms() -> int:
    """Length of the limiter's window; a test parametrizing `window_ms` overrides it."""
    return 300


@pytest.fixture
async def sandbox(window_ms: int) -> AsyncIterator[RocketChatSandbox]:
    running = RocketChatSandbox()
    settings = running.state.store.settings
    settings["API_Enable_Rate_Limiter_Limit_Calls_Default"] = CALLS_PER_WINDOW
    settings["API_Enable_Rate_Limiter_Limit_Time_Default"] = window_ms
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
    limited_client: tuple[RestClient, list[float]], window_ms: int
) -> None:
    client, refusals = limited_client
    answers = await asyncio.gather(*(client.get("me") for _ in range(CALLS_PER_WINDOW * 3)))
    assert [a["username"] for a in answers] == ["marie"] * CALLS_PER_WINDOW * 3
    assert refusals  # the first burst overflowed the window before any answer came back
    assert all(wait <= window_ms / 1000 for wait in refusals)  # each waited for its own window


async def test_a_burst_many_windows_long_is_served_whole_with_few_refusals(
    limited_client: tuple[RestClient, list[float]],
) -> None:
    client, refusals = limited_client
    calls = CALLS_PER_WINDOW * 5
    answers = await asyncio.gather(*(client.get("me") for _ in range(calls)))
    assert [a["username"] for a in answers] == ["marie"] * calls  # nothing dropped
    assert len(refusals) < calls  # once refused, callers queue instead of hammering the route


async def test_once_the_window_is_known_a_long_burst_is_never_refused(
    limited_client: tuple[RestClient, list[float]],
) -> None:
    client, refusals = limited_client
    await client.get("me")  # the first answer tells the window: its limit, what is left
    calls = CALLS_PER_WINDOW * 5
    answers = await asyncio.gather(*(client.get("me") for _ in range(calls)))
    assert [a["username"] for a in answers] == ["marie"] * calls  # nothing dropped
    assert refusals == []  # each window's budget kept: no 429 at all


async def test_a_route_paused_in_one_room_is_paused_in_every_room(
    limited_client: tuple[RestClient, list[float]], sandbox: RocketChatSandbox
) -> None:
    client, refusals = limited_client
    rooms = ["GENERAL", sandbox.state.room_id("equipe-projet")]
    for turn in range(CALLS_PER_WINDOW * 2):
        staged = await client.upload(
            f"rooms.media/{rooms[turn % 2]}", "note.txt", b"note", "text/plain", {}
        )
        assert staged["file"]["_id"]
    assert refusals == []  # Rocket.Chat counts rooms.media once per window, whatever the room


@pytest.mark.parametrize("window_ms", [60_000])  # no window ends while the test runs
async def test_a_paused_route_does_not_pause_the_others(
    limited_client: tuple[RestClient, list[float]],
) -> None:
    client, _refusals = limited_client
    for _ in range(CALLS_PER_WINDOW):
        await client.get("me")
    waiting_for_reset = asyncio.create_task(client.get("me"))
    rooms = await client.get("rooms.get")
    assert "update" in rooms
    assert not waiting_for_reset.done()  # "me" waits for its window; "rooms.get" did not
    waiting_for_reset.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting_for_reset


async def test_a_route_that_stays_refused_fails_at_the_deadline(
    limited_client: tuple[RestClient, list[float]],
    sandbox: RocketChatSandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, refusals = limited_client
    monkeypatch.setattr(rest, "RATE_LIMIT_DEADLINE_SECONDS", 1.0)
    sandbox.runtime.faults.rate_limit_storm = True
    with pytest.raises(RocketChatUnavailable, match="still rate limited"):
        await client.get("me")
    assert refusals  # refused, waited, refused again, and then gave up with a named cause
