"""The store's thread: whole transactions handed off once, in order, errors to their caller."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.store.lane import Lane, LaneClosed


async def test_work_runs_in_order_on_one_thread_that_is_not_the_loops() -> None:
    lane = Lane("test-lane")
    threads: list[int] = []
    order: list[int] = []

    def step(n: int) -> int:
        threads.append(threading.get_ident())
        order.append(n)
        return n * 10

    results = await asyncio.gather(*(lane.run(lambda n=n: step(n)) for n in range(20)))
    await lane.close()
    assert results == [n * 10 for n in range(20)]
    assert order == list(range(20))
    assert len(set(threads)) == 1 and threads[0] != threading.get_ident()


async def test_an_error_reaches_its_caller_and_the_lane_keeps_working() -> None:
    lane = Lane("test-lane")

    def broken() -> None:
        raise ValueError("disk full")

    with pytest.raises(ValueError, match="disk full"):
        await lane.run(broken)
    assert await lane.run(lambda: "still here") == "still here"
    await lane.close()


async def test_a_cancelled_caller_does_not_stop_the_work_it_handed_off() -> None:
    lane = Lane("test-lane")
    started, release, finished = threading.Event(), threading.Event(), threading.Event()

    def slow() -> None:
        started.set()
        release.wait(5)
        finished.set()

    caller = asyncio.create_task(lane.run(slow))
    await asyncio.to_thread(started.wait, 5)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    release.set()
    await lane.run(lambda: None)  # queued behind it: it has ended
    assert finished.is_set()
    await lane.close()


async def test_close_runs_the_last_clean_up_on_the_lane_and_refuses_more_work() -> None:
    lane = Lane("test-lane")
    worker = await lane.run(threading.get_ident)
    cleaned_on: list[int] = []
    await lane.close(last=lambda: cleaned_on.append(threading.get_ident()))
    assert cleaned_on == [worker]
    with pytest.raises(LaneClosed):
        await lane.run(lambda: None)
