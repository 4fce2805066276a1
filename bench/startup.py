"""Start-up cost of the bot: time to ready, memory after start, and what each library costs.

- `ensemble-bot run` against the sandbox: seconds from the process start to `/readyz` green,
  and its resident memory once ready, next to a bare Python process started the same way;
  on a new store (which is created) and then restarted on that store (the usual case).
- idle, once restarted and ready: CPU and context switches per second over `--idle` seconds
  (what still wakes it up), and its resident memory after that.
- `ensemble-bot console` answering `/aide` from a pipe: seconds from start to exit.
- as python:3.11-slim leaves the standard library (its bytecode deleted, not writable by the
  bot's user): what each start would pay without the Dockerfile's `compileall`.
- per library: the import time (`python -X importtime`) of what `run` imports, summed by
  top-level package, and the resident memory a fresh interpreter gains by importing each one.
Baselines: a bare `python -c pass`, and a fresh interpreter importing only the third-party
libraries `run` cannot start without (the floor any start of this bot pays on this machine).

Every process is measured as deployed: with its modules' bytecode already compiled, as in the
image (pip compiles what it installs) and unlike this checkout, whose editable install leaves
the bot's own modules to be compiled at each start when PYTHONDONTWRITEBYTECODE is set. The
bytecode goes to a scratch folder (PYTHONPYCACHEPREFIX), written by one start before the
measured ones; a start from the checkout without bytecode is printed too, as before.
Usage: `python bench/startup.py [--rounds 3] [--idle 30]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.reconnect_memory import RUN_LIBRARIES, free_port, ready, rss_mib  # noqa: E402
from bench.roundtrip import BIN, Sandbox  # noqa: E402

# What `ensemble-bot run` imports before it serves: composition.cli.main, the root, and what
# the root imports where it builds the service (the Rocket.Chat transport) and the bot where it
# starts serving HTTP (its web server); both are loaded by `run` only, not by the console.
RUN_IMPORTS = (
    "import composition.cli, composition.root, integrations.rocketchat.transport, bot.web"
)
LIBRARIES = (
    "aiohttp", "sqlalchemy.ext.asyncio", "asyncpg", "alembic", "pydantic_settings", "babel",
    "dateparser", "apscheduler", "prometheus_client", "nc_py_api", "jwt", "icalendar",
    "odf.opendocument",
)
RSS_PROBE = ("import importlib, sys, pathlib\n"
             "def rss():\n"
             "    for line in pathlib.Path('/proc/self/status').read_text().splitlines():\n"
             "        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024\n"
             "before = rss()\n"
             "if sys.argv[1]: importlib.import_module(sys.argv[1])\n"
             "print(rss() - before)\n")


def deployed(scratch: str) -> dict[str, str]:
    """The environment of a process started as in the image: bytecode compiled and kept."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ENSEMBLE_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "bytecode")
    return env


def from_checkout() -> dict[str, str]:
    """This checkout as the developer starts it: no bytecode kept for the bot's modules."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def stdlib_uncompiled(scratch: str) -> dict[str, str]:
    """A start as python:3.11-slim would make it without the Dockerfile's `compileall`: that
    base image deletes the standard library's bytecode, and the bot's user may not write it,
    so each start compiles again every standard module it imports."""
    kept = Path(scratch) / "bytecode"
    stripped = Path(scratch) / "bytecode-no-stdlib"
    stdlib = sysconfig.get_paths()["stdlib"]
    shutil.rmtree(stripped, ignore_errors=True)
    shutil.copytree(kept, stripped)
    shutil.rmtree(stripped / stdlib.lstrip("/"), ignore_errors=True)
    env = deployed(scratch)
    env.update(PYTHONPYCACHEPREFIX=str(stripped), PYTHONDONTWRITEBYTECODE="1")
    return env


def compile_ahead(env: dict[str, str]) -> None:
    """Writes the bytecode of what `run` and `console` import, as pip does at install."""
    code = f"{RUN_IMPORTS}; import composition.console; {RUN_LIBRARIES}"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def import_times(env: dict[str, str]) -> dict[str, int]:
    """Cumulative import microseconds of each module `run` pulls in, where first imported
    (a library shared by two importers is charged to the first)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", RUN_IMPORTS],
                          capture_output=True, text=True, check=True, env=env)
    cumulative: dict[str, int] = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            cumulative[parts[2].strip()] = int(parts[1])
    return cumulative


def library_rss(module: str, env: dict[str, str]) -> float:
    done = subprocess.run([sys.executable, "-c", RSS_PROBE, module],
                          capture_output=True, text=True, check=True, env=env)
    return float(done.stdout.strip())


def loaded(module: str, env: dict[str, str]) -> bool:
    check = f"import sys; {RUN_IMPORTS}; print({module!r} in sys.modules)"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          check=True, env=env)
    return done.stdout.strip() == "True"


def cpu_and_switches(pid: int) -> tuple[float, int]:
    """CPU seconds (user + system) and context switches so far, over all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    switches = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                switches += int(line.split()[1])
    return cpu, switches


async def idle(pid: int, seconds: float) -> tuple[float, float, float]:
    """CPU percent, context switches per second and RSS of a process left alone."""
    cpu, switches = cpu_and_switches(pid)
    await asyncio.sleep(seconds)
    cpu_after, switches_after = cpu_and_switches(pid)
    return (100 * (cpu_after - cpu) / seconds, (switches_after - switches) / seconds,
            rss_mib(pid))


async def time_to_ready(
    sandbox: Sandbox, store: str, base_env: dict[str, str], idle_seconds: float = 0
) -> tuple[float, float, tuple[float, float, float] | None]:
    port = free_port()
    env = dict(base_env)
    env.update(sandbox.info["env"])
    env.update({"ENSEMBLE_STORE__URL": store,
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
    quiet = await idle(bot.pid, idle_seconds) if idle_seconds else None
    bot.terminate()
    await bot.wait()
    return elapsed, memory, quiet


def console_aide(env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "ensemble-bot"), "console"], input="/aide\n", env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if "/aide" not in done.stdout and "aide" not in done.stdout:
        raise SystemExit(f"the console did not answer /aide: {done.stdout}{done.stderr}")
    return elapsed


def python_start(env: dict[str, str], code: str = "pass") -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - started


async def main(rounds: int, idle_seconds: float, store_url: str | None) -> None:
    print("load average: " + " ".join(f"{load:.2f}" for load in os.getloadavg()))
    sandbox = Sandbox()
    await sandbox.start()
    with tempfile.TemporaryDirectory() as scratch:
        store = store_url or f"sqlite+aiosqlite:///{scratch}/bench.db"
        print(f"store: {'SQLite file' if store.startswith('sqlite') else 'PostgreSQL'}")
        env = deployed(scratch)
        compile_ahead(env)
        first = await time_to_ready(sandbox, store, env)
        runs = [await time_to_ready(sandbox, store, env) for _ in range(rounds)]
        quiet = (await time_to_ready(sandbox, store, env, idle_seconds))[2]
        checkout = [(await time_to_ready(sandbox, store, from_checkout()))[0]
                    for _ in range(rounds)]
        stripped = stdlib_uncompiled(scratch)  # one copy of the bytecode for every round
        base_image = [(await time_to_ready(sandbox, store, stripped))[0]
                      for _ in range(rounds)]
        await sandbox.stop()
        bare = statistics.median(python_start(env) for _ in range(rounds))
        floor = statistics.median(python_start(env, RUN_LIBRARIES) for _ in range(rounds))
        aide = statistics.median(console_aide(env) for _ in range(rounds))
        aide_checkout = statistics.median(console_aide(from_checkout()) for _ in range(rounds))
        times = import_times(env)
        rss_by_library = {module: library_rss(module, env) for module in LIBRARIES}
    ready_s = statistics.median(r[0] for r in runs)
    rss = statistics.median(r[1] for r in runs)
    print("as deployed (bytecode compiled ahead, as in the image):")
    print(f"baselines: bare python start {bare * 1000:.0f} ms; importing the libraries run "
          f"needs {floor * 1000:.0f} ms (median of {rounds})")
    print(f"run on a new store: ready after {first[0] * 1000:.0f} ms, RSS once ready "
          f"{first[1]:.0f} MiB")
    print(f"run restarted on that store: ready after {ready_s * 1000:.0f} ms (median of "
          f"{rounds}; ratio {ready_s / bare:.1f}x bare python, {ready_s / floor:.2f}x the "
          f"libraries), RSS once ready {rss:.1f} MiB")
    if quiet is not None:
        print(f"idle for {idle_seconds:.0f} s once ready: CPU {quiet[0]:.3f} %, "
              f"{quiet[1]:.1f} context switches/s, RSS after {quiet[2]:.1f} MiB")
    print(f"console: /aide answered and exited after {aide * 1000:.0f} ms "
          f"(ratio {aide / bare:.1f}x bare python, {aide / floor:.2f}x the libraries)")
    print(f"standard library without bytecode (the base image as it comes): run restarted "
          f"ready after {statistics.median(base_image) * 1000:.0f} ms (median of {rounds})")
    print(f"from this checkout without bytecode: run restarted ready after "
          f"{statistics.median(checkout) * 1000:.0f} ms, console /aide "
          f"{aide_checkout * 1000:.0f} ms (median of {rounds})")
    print(f"{'library':<24} {'loaded by run':>13} {'import ms':>10} {'RSS MiB':>8}")
    for module in LIBRARIES:
        print(f"{module:<24} {'yes' if loaded(module, env) else 'no':>13} "
              f"{times.get(module, 0) / 1000:>10.0f} {rss_by_library[module]:>8.1f}")
    run_modules = RUN_IMPORTS.removeprefix("import ").split(", ")
    print(f"{'all of run (cumulative)':<24} {'':>13} "
          f"{sum(times.get(module, 0) for module in run_modules) / 1000:>10.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds measured idle")
    parser.add_argument("--store-url", help="the store run uses (default: a SQLite file of its "
                        "own); a PostgreSQL database must be empty: the first start creates it")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rounds, arguments.idle, arguments.store_url))
