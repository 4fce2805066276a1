"""Time to open a crisis cell for a big roster, next to the floor Rocket.Chat's rate limits
set for the same calls.

The three sandboxes run in this process (so the Rocket.Chat calls can be counted per route);
the real bot runs as its own process. Twice: with the bot exempt from the limiter (Rocket.Chat's
default: the `bot` role has `api-bypass-rate-limit`), then without the exemption and a limit
of `--limit` calls per `--window-ms` on every route. The floor of a run is what the limiter
alone imposes on the calls the bot made: for each route, (calls - 1) // limit full windows;
routes are limited apart, so the slowest route sets it. Usage:
`python bench/crisis_open.py [--members 300] [--limit 50] [--window-ms 1000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


def count_calls(stack: SandboxStack, limited: bool) -> Counter[str]:
    """Counts the bot's REST calls per route; without the exemption when `limited`."""
    rest, store = stack.rocketchat.runtime.rest, stack.rocketchat.state.store
    calls: Counter[str] = Counter()
    original_limit, original_permission = rest._rate_limit, store.has_permission

    def rate_limit(declared: Any, request: Any, user: Any) -> Any:
        if user is not None and user.username == "ensemble-bot":
            calls[declared.limiter_key] += 1
        return original_limit(declared, request, user)

    def has_permission(user: Any, permission: str, rid: str | None = None) -> bool:
        if limited and permission == "api-bypass-rate-limit":
            return False
        return original_permission(user, permission, rid)

    rest._rate_limit = rate_limit  # type: ignore[method-assign]
    store.has_permission = has_permission  # type: ignore[method-assign]
    return calls


async def start_bot(stack: SandboxStack, folder: Path) -> tuple[asyncio.subprocess.Process, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    env.update(stack.env())
    env.update({
        "ENSEMBLE_STORE__URL": f"sqlite+aiosqlite:///{folder / 'bot.db'}",
        "ENSEMBLE_HTTP__HOST": "127.0.0.1", "ENSEMBLE_HTTP__PORT": str(port),
        "ENSEMBLE_RATE_LIMIT__ENABLED": "false",
        "ENSEMBLE_LOG__LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
    })
    log = (folder / "bot.log").open("wb")
    process = await asyncio.create_subprocess_exec(str(BIN / "ensemble-bot"), "run", env=env,
                                                   stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(f"{url}/readyz") as response:
                    if response.status == 200 and (await response.json()).get("role") == "leader":
                        return process, url
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError((folder / "bot.log").read_text()[-3000:])


async def one_run(members: int, limited: bool, limit: int, window_ms: int) -> dict[str, Any]:
    stack = SandboxStack()
    await stack.start()
    populate(stack, members)
    state = stack.rocketchat.state
    if limited:
        state.update_settings({"API_Enable_Rate_Limiter_Limit_Calls_Default": limit,
                               "API_Enable_Rate_Limiter_Limit_Time_Default": window_ms})
    calls = count_calls(stack, limited)
    with tempfile.TemporaryDirectory() as folder:
        process, _url = await start_bot(stack, Path(folder))
        try:
            started = time.perf_counter()
            state.post("sophie", ROOM, f"/crise ouvrir Bench --gravite 1 --avec #{ROSTER_ROOM}")
            while not any("Cellule de crise ouverte" in m["msg"] for m in state.messages(ROOM)
                          if m["u"]["username"] == "ensemble-bot"):
                if time.perf_counter() - started > 1800:
                    raise RuntimeError("the cell did not open in 30 minutes")
                await asyncio.sleep(0.02)
            seconds = time.perf_counter() - started
        finally:
            process.terminate()
            await process.wait()
            if os.environ.get("BENCH_LOG_LEVEL"):
                steps = [line for line in (Path(folder) / "bot.log").read_text().splitlines()
                         if "crisis step" in line or "command handled" in line]
                print("\n".join(steps))  # noqa: T201
    await stack.stop()
    floor = max(((n - 1) // limit) * window_ms / 1000 for n in calls.values()) if limited else 0
    return {"seconds": seconds, "calls": calls, "floor": floor}


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--window-ms", type=int, default=1000)
    args = parser.parse_args()
    free = await one_run(args.members, False, args.limit, args.window_ms)
    limited = await one_run(args.members, True, args.limit, args.window_ms)
    busiest = limited["calls"].most_common(4)
    print(f"roster of {args.members} (+ sophie and the bot), Rocket.Chat calls by route: "
          + ", ".join(f"{route} {count}" for route, count in busiest))
    print(f"without limits (the bot's default exemption): {free['seconds']:.2f} s")
    print(f"limited to {args.limit} calls per {args.window_ms} ms per route: "
          f"{limited['seconds']:.2f} s; floor of the limiter for these calls "
          f"{limited['floor']:.2f} s; "
          f"ratio {limited['seconds'] / max(limited['floor'], 1e-9):.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
