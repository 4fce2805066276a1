"""Time to open a crisis cell for a big roster, next to the floor Rocket.Chat's rate limits
set for the same calls.

The three sandboxes run in a child process of their own (this script with `--serve`), so the
bench measures the bot rather than simulators starved of CPU in the bench's process; the
child counts the bot's Rocket.Chat calls per route and hands the counts back when it stops.
The real bot runs as its own process. Twice: with the bot exempt from the limiter (Rocket.Chat's
default: the `bot` role has `api-bypass-rate-limit`), then without the exemption and a limit
of `--limit` calls per `--window-ms` on every route. The floor of a run is what the limiter
alone imposes on the calls the bot made: for each route, (calls - 1) // limit full windows;
routes are limited apart, so the slowest route sets it. Usage:
`python bench/crisis_open.py [--members 300] [--limit 50] [--window-ms 1000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.stack import SandboxStack  # noqa: E402

BIN = Path(sys.executable).parent
ROOM = "equipe-projet"
ROSTER_ROOM = "astreinte-bench"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def populate(stack: SandboxStack, members: int) -> None:
    rocketchat = stack.rocketchat.state
    names = [f"agent{n:03d}" for n in range(members)]
    for name in names:
        rocketchat.create_user(name)
        stack.nextcloud.state.directory.add_user(name)
        stack.wekan.store.add_user(name, name, None)
    rocketchat.create_room(ROSTER_ROOM, "p", ["ensemble-bot", *names], owner="ensemble-bot")
    # The bot reads roles (sophie's `crise`) only with this permission, as in production.
    rocketchat.store.granted.setdefault("bot", set()).add("view-full-other-user-info")


def count_calls(stack: SandboxStack, limited: bool) -> tuple[Counter[str], Counter[str]]:
    """Counts the bot's REST calls per route, and those answered 429; without the exemption
    when `limited`."""
    rest, store = stack.rocketchat.runtime.rest, stack.rocketchat.state.store
    calls: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    original_limit, original_permission = rest._rate_limit, store.has_permission

    def rate_limit(declared: Any, request: Any, user: Any) -> Any:
        decision = original_limit(declared, request, user)
        if user is not None and user.username == "ensemble-bot":
            calls[declared.limiter_key] += 1
            if decision is not None and not decision.allowed:
                refused[declared.limiter_key] += 1
        return decision

    def has_permission(user: Any, permission: str, rid: str | None = None) -> bool:
        if limited and permission == "api-bypass-rate-limit":
            return False
        return original_permission(user, permission, rid)

    rest._rate_limit = rate_limit  # type: ignore[method-assign]
    store.has_permission = has_permission  # type: ignore[method-assign]
    return calls, refused


def serve(members: int, limited: bool, limit: int, window_ms: int) -> None:
    """The child: the three sandboxes, populated; its counts printed when told to stop."""
    async def main() -> None:
        stack = SandboxStack()
        await stack.start()
        populate(stack, members)
        if limited:
            stack.rocketchat.state.update_settings({
                "API_Enable_Rate_Limiter_Limit_Calls_Default": limit,
                "API_Enable_Rate_Limiter_Limit_Time_Default": window_ms})
        calls, refused = count_calls(stack, limited)
        stopping = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
        print(json.dumps({"env": stack.env()}), flush=True)
        await stopping.wait()
        print(json.dumps({"calls": calls, "refused": refused}), flush=True)
        await stack.stop()

    asyncio.run(main())


async def start_bot(env: dict[str, str], folder: Path) -> asyncio.subprocess.Process:
    port = free_port()
    merged = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    merged.update(env)
    merged.update({
        "ENSEMBLE_STORE__URL": f"sqlite+aiosqlite:///{folder / 'bot.db'}",
        "ENSEMBLE_HTTP__HOST": "127.0.0.1", "ENSEMBLE_HTTP__PORT": str(port),
        "ENSEMBLE_RATE_LIMIT__ENABLED": "false",
        "ENSEMBLE_LOG__LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
    })
    log = (folder / "bot.log").open("wb")
    process = await asyncio.create_subprocess_exec(str(BIN / "ensemble-bot"), "run",
                                                   env=merged, stdout=log, stderr=log)
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200 and (await response.json()).get("role") == "leader":
                        return process
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError((folder / "bot.log").read_text()[-3000:])


async def opened(http: aiohttp.ClientSession, url: str) -> bool:
    async with http.get(f"{url}/_sandbox/messages", params={"room": ROOM}) as answer:
        messages = (await answer.json())["messages"]
    return any("Cellule de crise ouverte" in m["msg"] for m in messages
               if m["u"]["username"] == "ensemble-bot")


async def one_run(members: int, limited: bool, limit: int, window_ms: int) -> dict[str, Any]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", "--members", str(members), "--limit", str(limit),
        "--window-ms", str(window_ms), *(["--limited"] if limited else []),
        stdout=asyncio.subprocess.PIPE)
    assert child.stdout is not None
    env = json.loads(await child.stdout.readline())["env"]
    url = env["ENSEMBLE_ROCKETCHAT__URL"]
    with tempfile.TemporaryDirectory() as folder:
        process = await start_bot(env, Path(folder))
        try:
            async with aiohttp.ClientSession() as http:
                bot_cpu, sandbox_cpu = cpu_seconds(process.pid), cpu_seconds(child.pid)
                started = time.perf_counter()
                async with http.post(f"{url}/_sandbox/post", json={
                    "username": "sophie", "room": ROOM,
                    "text": f"/crise ouvrir Bench --gravite 1 --avec #{ROSTER_ROOM}",
                }) as answer:
                    answer.raise_for_status()
                while not await opened(http, url):
                    if time.perf_counter() - started > 1800:
                        raise RuntimeError("the cell did not open in 30 minutes")
                    await asyncio.sleep(0.05)
                seconds = time.perf_counter() - started
                bot_cpu = cpu_seconds(process.pid) - bot_cpu
                sandbox_cpu = cpu_seconds(child.pid) - sandbox_cpu
        finally:
            process.terminate()
            await process.wait()
            if os.environ.get("BENCH_LOG_LEVEL"):
                steps = [line for line in (Path(folder) / "bot.log").read_text().splitlines()
                         if "crisis step" in line or "command handled" in line]
                print("\n".join(steps))  # noqa: T201
    child.send_signal(signal.SIGTERM)
    counted = json.loads(await child.stdout.readline())
    calls: Counter[str] = Counter(counted["calls"])
    await child.wait()
    floor = max(((n - 1) // limit) * window_ms / 1000 for n in calls.values()) if limited else 0
    return {"seconds": seconds, "calls": calls, "floor": floor, "bot_cpu": bot_cpu,
            "refused": sum(counted["refused"].values()),
            "sandbox_cpu": sandbox_cpu}


async def main(args: argparse.Namespace) -> None:
    free = await one_run(args.members, False, args.limit, args.window_ms)
    limited = await one_run(args.members, True, args.limit, args.window_ms)
    busiest = limited["calls"].most_common(4)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    print(f"roster of {args.members} (+ sophie and the bot), Rocket.Chat calls by route: "
          + ", ".join(f"{route} {count}" for route, count in busiest))
    for name, run in (("without limits (the bot's default exemption)", free),
                      (f"limited to {args.limit} calls per {args.window_ms} ms per route",
                       limited)):
        print(f"{name}: {run['seconds']:.2f} s; CPU: bot {run['bot_cpu']:.2f} s, "
              f"sandboxes {run['sandbox_cpu']:.2f} s; answered 429: {run['refused']}")
    print(f"floor of the limiter for the limited run's calls {limited['floor']:.2f} s; "
          f"ratio {limited['seconds'] / max(limited['floor'], 1e-9):.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--window-ms", type=int, default=1000)
    parser.add_argument("--serve", action="store_true", help="(the child: the sandboxes)")
    parser.add_argument("--limited", action="store_true", help="(the child: no exemption)")
    arguments = parser.parse_args()
    if arguments.serve:
        serve(arguments.members, arguments.limited, arguments.limit, arguments.window_ms)
    else:
        asyncio.run(main(arguments))
