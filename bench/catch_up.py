"""Catch-up: commands typed while the bot was down, answered when it comes back.

The bot answers once (so that it listens and has a resume point), stops; N commands are
posted while it is down; then it starts again. Printed: time from its start to every command
answered, time to the first answer, how many were lost and how many answered more than once,
the bot's CPU for the whole catch-up, next to the time the sandbox took to accept the posts
(the baseline: the same N messages going through the same server).
Usage: `python bench/catch_up.py [--commands 1000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ddp_client import DdpClient, Frame  # noqa: E402
from bench.roundtrip import BOT, Sandbox, cpu_seconds, start_bot  # noqa: E402

ROOM = BOT.room


async def bot_replies(sandbox: Sandbox, http: aiohttp.ClientSession) -> Counter[str]:
    """How many bot messages answer each command (by the thread they were posted in)."""
    async with http.get(f"{sandbox.url}/_sandbox/messages", params={"room": ROOM}) as response:
        found: list[dict[str, Any]] = (await response.json())["messages"]
    return Counter(m.get("tmid", "") for m in found if m["u"]["username"] == "ensemble-bot")


async def answered_once(sandbox: Sandbox, http: aiohttp.ClientSession, command_id: str,
                        timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if (await bot_replies(sandbox, http))[command_id]:
            return True
        await asyncio.sleep(0.1)
    return False


async def post(sandbox: Sandbox, http: aiohttp.ClientSession, index: int = 0) -> str:
    text = BOT.texts[index % len(BOT.texts)]  # as in roundtrip.py: each command writes
    posted = await sandbox.control(http, "post", {"username": "marie", "room": ROOM,
                                                  "text": text})
    return str(posted["message"]["_id"])


async def main(commands: int) -> None:
    print("load average: " + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    sandbox = Sandbox()
    await sandbox.start()
    with tempfile.TemporaryDirectory() as scratch:
        async with aiohttp.ClientSession() as http:
            bot = await start_bot(sandbox, Path(scratch))
            for _ in range(60):  # a bot on a new store answers only once it listens
                if await answered_once(sandbox, http, await post(sandbox, http), 1.0):
                    break
            else:
                raise SystemExit("the bot never answered")
            await asyncio.sleep(6)  # past one save of the resume point
            bot.terminate()
            await bot.wait()
            started = time.perf_counter()
            missed = set(await asyncio.gather(*(post(sandbox, http, index)
                                                 for index in range(commands))))
            posting = time.perf_counter() - started
            # The answers are watched on a DDP stream as a user sees them: polling the room's
            # thousands of messages over HTTP cost the 2-core machine more CPU than the bot.
            answered: dict[str, float] = {}
            observer = DdpClient(sandbox.url.replace("http", "ws", 1) + "/websocket")
            await observer.open(username="marie", password="marie-sandbox-pass")

            def seen(frame: Frame) -> None:
                message = frame["fields"]["args"][0]
                command = message.get("tmid")
                if message["u"]["username"] == "ensemble-bot" and command in missed:
                    answered.setdefault(command, time.perf_counter())

            observer.on_changed = seen
            await observer.subscribe("stream-room-messages", "__my_messages__")
            started = time.perf_counter()
            bot = await start_bot(sandbox, Path(scratch))
            deadline = started + 300
            while len(answered) < len(missed) and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
            cpu = cpu_seconds(bot.pid)
            first = min(answered.values(), default=math.nan) - started
            everything = (max(answered.values()) - started if len(answered) == len(missed)
                          else math.nan)
            await observer.close()
            await asyncio.sleep(2)  # late duplicates
            replies = await bot_replies(sandbox, http)
            bot.terminate()
            await bot.wait()
    await sandbox.stop()
    lost = sum(1 for command in missed if not replies[command])
    twice = sum(1 for command in missed if replies[command] > 1)
    print(f"catch-up of {commands} commands: first answer after {first:.2f} s, all answered "
          f"after {everything:.2f} s (from the process start), lost {lost}, answered twice "
          f"{twice}; bot CPU {cpu:.2f} s in all ({cpu * 1000 / commands:.2f} ms/command)")
    print(f"baseline: the sandbox accepted the {commands} posts in {posting:.2f} s; "
          f"ratio {everything / posting:.1f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=1000)
    asyncio.run(main(parser.parse_args().commands))
