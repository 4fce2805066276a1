"""The outbound queue: per-room order, rooms side by side, retries, failures told to the caller."""

from __future__ import annotations

import asyncio

import pytest

from integrations.rocketchat import outbound
from integrations.rocketchat.errors import RocketChatError, RocketChatUnavailable
from integrations.rocketchat.outbound import OutboundQueue


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbound, "RETRY_DELAYS_SECONDS", (0.01, 0.01, 0.01))


async def test_a_room_gets_its_messages_in_order_even_when_the_first_needs_retries() -> None:
    sent: list[str] = []
    refusals = iter([True, True, False])

    async def first() -> str:
        if next(refusals):
            raise RocketChatUnavailable("503")
        sent.append("first")
        return "id-1"

    async def second() -> str:
        sent.append("second")
        return "id-2"

    queue = OutboundQueue(lambda _depth: None)
    ids = await asyncio.gather(queue.submit(first, lane="room"), queue.submit(second, lane="room"))
    assert ids == ["id-1", "id-2"]
    assert sent == ["first", "second"]


async def test_a_stuck_room_does_not_hold_up_another_room() -> None:
    release = asyncio.Event()

    async def stuck() -> str:
        await release.wait()
        return "late"

    async def quick() -> str:
        return "on time"

    queue = OutboundQueue(lambda _depth: None)
    slow = asyncio.create_task(queue.submit(stuck, lane="big-room"))
    assert await asyncio.wait_for(queue.submit(quick, lane="dm"), timeout=1) == "on time"
    assert not slow.done()
    release.set()
    assert await slow == "late"


async def test_a_refusal_reaches_its_caller_and_the_room_goes_on() -> None:
    async def refused() -> str:
        raise RocketChatError(400, "error-invalid-room", "Invalid room")

    async def fine() -> str:
        return "ok"

    queue = OutboundQueue(lambda _depth: None)
    results = await asyncio.gather(
        queue.submit(refused, lane="room"), queue.submit(fine, lane="room"), return_exceptions=True
    )
    assert isinstance(results[0], RocketChatError)
    assert results[1] == "ok"


async def test_an_unreachable_server_is_reported_after_the_last_retry() -> None:
    attempts = 0

    async def unreachable() -> str:
        nonlocal attempts
        attempts += 1
        raise RocketChatUnavailable("connection refused")

    queue = OutboundQueue(lambda _depth: None)
    with pytest.raises(RocketChatUnavailable):
        await queue.submit(unreachable, lane="room")
    assert attempts == 4  # the first try and one per retry delay


async def test_no_more_than_the_configured_number_of_sends_at_once() -> None:
    running = peak = 0

    async def send() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    queue = OutboundQueue(lambda _depth: None, concurrency=3)
    await asyncio.gather(*(queue.submit(send, lane=f"dm-{n}") for n in range(20)))
    assert peak == 3


async def test_depth_follows_what_waits_and_stop_sends_it_all() -> None:
    depths: list[int] = []
    gate = asyncio.Event()
    sent: list[int] = []

    def job(number: int) -> outbound.Job:
        async def send() -> None:
            await gate.wait()
            sent.append(number)

        return send

    queue = OutboundQueue(depths.append)
    callers = [asyncio.create_task(queue.submit(job(n), lane=f"room-{n % 2}")) for n in range(4)]
    await asyncio.sleep(0)
    assert queue.depth == 4
    gate.set()
    await queue.stop()
    assert sorted(sent) == [0, 1, 2, 3]
    assert queue.depth == 0 and depths[-1] == 0
    await asyncio.gather(*callers)
