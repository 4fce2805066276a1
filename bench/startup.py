"""Start-up cost of the bot: time to ready, memory after start, and what each library costs.

- `ensemble-bot run` against the sandbox: seconds from the process start to `/readyz` green,
  and its resident memory once ready, next to a bare Python process started the same way;
  on a new store (which is created) and then restarted on that store (the usual case).
- `ensemble-bot console` answering `/aide` from a pipe: seconds from start to exit.
- per library: the import time (`python -X importtime`) of what `run` imports, summed by
  top-level package, and the resident memory a fresh interpreter gains by importing each one.
Usage: `python bench/startup.py [--rounds 3]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reconnect_memory import free_port, ready, rss_mib  # noqa: E402
from bench.roundtrip import BIN, Sandbox  # noqa: E402

# What `ensemble-bot run` imports before it serves (composition.cli.main, then the root).
RUN_IMPORTS = "import composition.cli, composition.root"
LIBRARIES = (
    "aiohttp", "sqlalchemy.ext.asyncio", "aiosqlite", "alembic", "pydantic_settings", "babel",
    "dateparser", "apscheduler", "prometheus_client", "nc_py_api", "jwt",
)
RSS_PROBE = ("import importlib, sys, pathlib\n"
             "def rss():\n"
             "    for line in pathlib.Path('/proc/self/status').read_text().splitlines():\n"
             "        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024\n"
             "before = rss()\n"
             "if sys.argv[1]: importlib.import_module(sys.argv[1])\n"
             "print(rss() - before)\n")


def import_times() -> dict[str, int]:
    """Cumulative import microseconds of each module `run` pulls in, where first imported
    (a library shared by two importers is charged to the first)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", RUN_IMPORTS],
                          capture_output=True, text=True, check=True)
    cumulative: dict[str, int] = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            cumulative[parts[2].strip()] = int(parts[1])
    return cumulative


def library_rss(module: str) -> float:
    done = subprocess.run([sys.executable, "-c", RSS_PROBE, module],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def loaded(module: str) -> bool:
    check = f"import sys; {RUN_IMPORTS}; print({module!r} in sys.modules)"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip() == "True"


async def time_to_ready(sandbox: Sandbox, scratch: str) -> tuple[float, float]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    env.update(sandbox.info["env"])
    env.update({"ENSEMBLE_STORE__URL": f"sqlite+aiosqlite:///{scratch}/bench.db",
                "ENSEMBLE_HTTP__HOST": "127.0.0.1", "ENSEMBLE_HTTP__PORT": str(port),
                "ENSEMBLE_LOG__LEVEL": "WARNING"})
    started = time.perf_counter()
    bot = await asyncio.create_subprocess_exec(str(BIN / "ensemble-bot"), "run", env=env)
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        while not await ready(http, url):
            await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(1)
    memory = rss_mib(bot.pid)
    bot.terminate()
    await bot.wait()
    return elapsed, memory


def console_aide() -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "ensemble-bot"), "console"], input="/aide\n", env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if "/aide" not in done.stdout and "aide" not in done.stdout:
        raise SystemExit(f"the console did not answer /aide: {done.stdout}{done.stderr}")
    return elapsed


def bare_python() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


async def main(rounds: int) -> None:
    print("load average: " + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    sandbox = Sandbox()
    await sandbox.start()
    with tempfile.TemporaryDirectory() as scratch:
        first = await time_to_ready(sandbox, scratch)
        runs = [await time_to_ready(sandbox, scratch) for _ in range(rounds)]
    await sandbox.stop()
    bare = statistics.median(bare_python() for _ in range(rounds))
    ready_s = statistics.median(r[0] for r in runs)
    rss = statistics.median(r[1] for r in runs)
    print(f"run on a new store: ready after {first[0] * 1000:.0f} ms, RSS once ready "
          f"{first[1]:.0f} MiB")
    print(f"run restarted on that store: ready after {ready_s * 1000:.0f} ms (median of "
          f"{rounds}; bare python start {bare * 1000:.0f} ms, ratio {ready_s / bare:.1f}x), "
          f"RSS once ready {rss:.0f} MiB")
    aide = statistics.median(console_aide() for _ in range(rounds))
    print(f"console: /aide answered and exited after {aide * 1000:.0f} ms "
          f"(ratio to bare python {aide / bare:.1f}x)")
    times = import_times()
    print(f"{'library':<24} {'loaded by run':>13} {'import ms':>10} {'RSS MiB':>8}")
    for module in LIBRARIES:
        print(f"{module:<24} {'yes' if loaded(module) else 'no':>13} "
              f"{times.get(module, 0) / 1000:>10.0f} {library_rss(module):>8.1f}")
    print(f"{'all of run (cumulative)':<24} {'':>13} "
          f"{(times.get('composition.cli', 0) + times.get('composition.root', 0)) / 1000:>10.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args().rounds))
