"""Reconnect-to-ready time and memory of the bot process, against baselines from the same run.

- reconnect: the sandbox drops every session; time until the bot's /readyz is green again,
  next to a bare DDP client doing connect + resume + subscribe on the same sandbox.
- memory: resident memory of the bot idle (restarted on a store it created, the usual case:
  a new store also loads Alembic) and after a burst of commands, next to a bare Python
  process that imports the libraries `run` cannot do without.
Usage: `python bench/reconnect_memory.py [--rounds 5] [--burst 300]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ddp_client import DdpClient  # noqa: E402
from bench.roundtrip import BIN, Sandbox  # noqa: E402

# What `run` needs whatever it does: the web server, the store on SQLite (SQLAlchemy Core and
# its SQLite dialect; the asyncio extension and the ORM only serve PostgreSQL), the settings,
# the catalogs, the metrics, the scheduler, the DDP client and the JSON logs.
RUN_LIBRARIES = (
    "import aiohttp.web, sqlalchemy.engine, sqlalchemy.dialects.sqlite, "
    "pydantic_settings, babel.dates, babel.support, prometheus_client, "
    "apscheduler.schedulers.asyncio, rocketchat_async, pythonjsonlogger.json"
)
BASELINE_IMPORTS = f"{RUN_LIBRARIES}; import time; time.sleep(60)"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def ready(http: aiohttp.ClientSession, url: str) -> bool:
    try:
        async with http.get(f"{url}/readyz") as response:
            return response.status == 200
    except aiohttp.ClientError:
        return False


async def until(http: aiohttp.ClientSession, url: str, wanted: bool) -> float:
    started = time.perf_counter()
    while await ready(http, url) != wanted:
        await asyncio.sleep(0.005)
    return time.perf_counter() - started


async def bare_reconnect(sandbox: Sandbox) -> float:
    started = time.perf_counter()
    client = DdpClient(sandbox.url.replace("http", "ws", 1) + "/websocket")
    await client.open(token=sandbox.info["rocketchat"]["bot"]["token"])
    await client.call("rooms/get")
    await client.subscribe("stream-room-messages", "__my_messages__")
    elapsed = time.perf_counter() - started
    await client.close()
    return elapsed


async def main(rounds: int, burst: int) -> None:
    sandbox = Sandbox()
    await sandbox.start()
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
        env.update(sandbox.info["env"])
        env.update({"ENSEMBLE_STORE__URL": f"sqlite+aiosqlite:///{scratch}/bench.db",
                    "ENSEMBLE_HTTP__HOST": "127.0.0.1", "ENSEMBLE_HTTP__PORT": str(port),
                    "ENSEMBLE_RATE_LIMIT__BURST": "100000", "ENSEMBLE_LOG__LEVEL": "WARNING",
                    "ENSEMBLE_ROCKETCHAT__RECONNECT_MAX_DELAY_SECONDS": "1"})
        url = f"http://127.0.0.1:{port}"
        first = await asyncio.create_subprocess_exec(str(BIN / "ensemble-bot"), "run", env=env)
        async with aiohttp.ClientSession() as http:
            await until(http, url, True)  # the store is created and migrated
        first.terminate()
        await first.wait()
        bot = await asyncio.create_subprocess_exec(str(BIN / "ensemble-bot"), "run", env=env)
        baseline = await asyncio.create_subprocess_exec(sys.executable, "-c", BASELINE_IMPORTS)
        async with aiohttp.ClientSession() as http:
            await until(http, url, True)
            await asyncio.sleep(1)
            idle, base = rss_mib(bot.pid), rss_mib(baseline.pid)
            bot_times, bare_times = [], []
            for _ in range(rounds):
                await sandbox.control(http, "restart", {})
                await until(http, url, False)
                bot_times.append(await until(http, url, True))
                bare_times.append(await bare_reconnect(sandbox))
            for _ in range(burst):
                await sandbox.control(http, "post", {"username": "marie",
                                                     "room": "equipe-projet", "text": "!aide"})
            await asyncio.sleep(3)
            peak = rss_mib(bot.pid)
        bot_ms = statistics.median(bot_times) * 1000
        bare_ms = statistics.median(bare_times) * 1000
        print(f"reconnect to ready (median of {rounds}): bot {bot_ms:.0f} ms "
              f"(includes detection and backoff), bare DDP client {bare_ms:.1f} ms, "
              f"ratio {bot_ms / bare_ms:.1f}x")
        print(f"memory: bot idle {idle:.0f} MiB, after {burst} commands {peak:.0f} MiB; "
              f"baseline process with the same libraries {base:.0f} MiB; "
              f"idle ratio {idle / base:.2f}x")
        for process in (bot, baseline):
            process.terminate()
            await process.wait()
    await sandbox.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--burst", type=int, default=300)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rounds, arguments.burst))
