"""Command round trip: a user posts, the bot's reply is seen; next to a bare echo client.

Both run against the same sandbox Rocket.Chat (its own process), receive on DDP and answer
through REST `chat.sendMessage`; the ratio bot/echo is what to compare across machines.

Open loop: commands arrive on a schedule (rate x seconds posts, each at its own instant, not
after the previous answer), and the backlog drains before the next rate starts, so one rate's
queue never spills into the next. Beside the latencies it prints the CPU each process spent
per command (from /proc, insensitive to the machine's load) and the bot's resident memory,
the bench's own CPU per command, and how many cores the three took together (the rig is
full when that nears the machine's count: latencies then measure the machine, not the bot).
The bot's store is a SQLite file, the embedded default; BENCH_STORE_URL names another (an
empty PostgreSQL database: `postgresql+asyncpg://postgres@127.0.0.1:5432/bench`), whose
server's own CPU is not counted.
Usage: `python bench/roundtrip.py [--seconds 4] [--rates 5,20,50] [--pin]`; `--pin` runs the bot
alone on one CPU and the sandbox and the bench on the others (the goal is "on one core").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ddp_client import DdpClient, Frame  # noqa: E402
from integrations.rocketchat.wire import message_id_for  # noqa: E402

BIN = Path(sys.executable).parent


TICKS = os.sysconf("SC_CLK_TCK")
DRAIN_SECONDS = 60.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Arrivals:
    """When the observer first saw each message, and how often it streamed again unedited.
    Every message is kept, not only the awaited answers: on a busy machine an answer can
    stream in before the post that asked for it has returned to this process."""

    first: dict[str, float] = field(default_factory=dict)
    again: Counter[str] = field(default_factory=Counter)

    def saw(self, message_id: str) -> None:
        if message_id in self.first:
            self.again[message_id] += 1
        else:
            self.first[message_id] = time.perf_counter()


@dataclass
class Run:
    arrivals: Arrivals
    sent_at: dict[str, float] = field(default_factory=dict)  # expected reply id -> send time
    command_of: dict[str, str] = field(default_factory=dict)  # expected reply id -> command id
    cpu_ms: dict[str, float] = field(default_factory=dict)  # process name -> CPU ms per command
    early: int = 0  # answers seen before the post that asked for them returned

    @property
    def seen_at(self) -> dict[str, float]:
        first = self.arrivals.first
        return {reply: first[reply] for reply in self.sent_at if reply in first}

    @property
    def seen_twice(self) -> int:
        return sum(self.arrivals.again[reply] for reply in self.sent_at)

    def latencies_ms(self) -> list[float]:
        seen_at = self.seen_at
        return [(seen_at[k] - t) * 1000 for k, t in self.sent_at.items() if k in seen_at]

    def throughput(self) -> float:
        """Answers per second between the first send and the last answer (not nominal)."""
        seen_at = self.seen_at
        if not seen_at:
            return 0.0
        elapsed = max(seen_at.values()) - min(self.sent_at.values())
        return len(seen_at) / elapsed if elapsed > 0 else float("nan")


class Sandbox:
    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None
        self.info: dict[str, Any] = {}

    async def start(self, cpus: set[int] | None = None) -> None:
        self.process = await asyncio.create_subprocess_exec(
            str(BIN / "ensemble-sandbox"), "serve", stdout=asyncio.subprocess.PIPE,
            preexec_fn=pinned(cpus),
        )
        assert self.process.stdout is not None
        self.info = json.loads(await self.process.stdout.readline())

    @property
    def url(self) -> str:
        return str(self.info["rocketchat"]["url"])

    async def control(self, http: aiohttp.ClientSession, action: str, body: dict[str, Any]) -> Any:
        async with http.post(f"{self.url}/_sandbox/{action}", json=body) as response:
            return await response.json()

    async def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            await self.process.wait()


def pinned(cpus: set[int] | None) -> Callable[[], None] | None:
    """Run in the child before it starts: it and every thread it makes stay on `cpus`."""
    if cpus is None:
        return None
    return lambda: os.sched_setaffinity(0, cpus)


def split_cpus() -> tuple[set[int], set[int]] | None:
    """(the bot's one core, the rest for the sandbox and the bench), with 2 cores or more."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return None
    return {available[0]}, set(available[1:])


async def start_bot(
    sandbox: Sandbox, scratch: Path, cpus: set[int] | None = None
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    env.update(sandbox.info["env"])
    env.update({
        "ENSEMBLE_STORE__URL": (os.environ.get("BENCH_STORE_URL")
                                or f"sqlite+aiosqlite:///{scratch / 'bench.db'}"),
        "ENSEMBLE_HTTP__PORT": "0",
        "ENSEMBLE_RATE_LIMIT__BURST": "100000",
        "ENSEMBLE_RATE_LIMIT__PER_MINUTE": "1000000",
        "ENSEMBLE_LOG__LEVEL": "WARNING",
    })
    profile = os.environ.get("BENCH_PROFILE")
    if profile:  # the bot under cProfile, written when it stops: where its CPU goes
        return await asyncio.create_subprocess_exec(
            str(BIN / "python"), "-m", "cProfile", "-o", profile, str(BIN / "ensemble-bot"),
            "run", env=env, preexec_fn=pinned(cpus))
    return await asyncio.create_subprocess_exec(str(BIN / "ensemble-bot"), "run", env=env,
                                                preexec_fn=pinned(cpus))


async def echo_client(sandbox: Sandbox, http: aiohttp.ClientSession, room_id: str) -> DdpClient:
    """Receives like the bot (__my_messages__) and answers like the bot (REST, fixed _id)."""
    echo = await sandbox.control(http, "users", {"username": "echo", "roles": ["bot"],
                                                 "token": True})
    headers = {"X-User-Id": echo["user_id"], "X-Auth-Token": echo["token"]}
    await sandbox.control(http, "rooms", {"name": "bench-echo", "type": "p",
                                          "members": ["marie", "echo"]})
    client = DdpClient(sandbox.url.replace("http", "ws", 1) + "/websocket")
    user_id = await client.open(token=echo["token"])
    tasks: set[asyncio.Task[Any]] = set()

    async def answer(message: dict[str, Any]) -> None:
        payload = {"message": {"_id": message_id_for(f"{message['_id']}:echo"),
                               "rid": message["rid"], "msg": "echo"}}
        async with http.post(f"{sandbox.url}/api/v1/chat.sendMessage", json=payload,
                             headers=headers) as response:
            await response.read()

    def on_changed(frame: Frame) -> None:
        message = frame["fields"]["args"][0]
        if message["u"]["_id"] != user_id and not message.get("editedAt"):
            task = asyncio.create_task(answer(message))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    client.on_changed = on_changed
    await client.subscribe("stream-room-messages", "__my_messages__")
    return client


@dataclass(frozen=True)
class Target:
    room: str
    texts: tuple[str, ...]  # posted in turn
    reply_key: str  # the action part of the reply's idempotency key


# A command that writes: the language changes at every command (choosing the one already
# chosen writes nothing), so each one costs its own transaction beside the bookkeeping.
BOT = Target("equipe-projet", ("!langue fr", "!langue en"), "reply:1")
ECHO = Target("bench-echo", ("ping",), "echo")


async def measure(sandbox: Sandbox, http: aiohttp.ClientSession, arrivals: Arrivals,
                  target: Target, *, rate: float, seconds: float,
                  watched: dict[str, int] | None = None) -> Run:
    """Posts on a fixed schedule (open loop), then waits for the backlog to drain."""
    run = Run(arrivals)
    watched = watched or {}
    cpu_before = {name: cpu_seconds(pid) for name, pid in watched.items()}
    room, reply_key = target.room, target.reply_key

    async def post(sent: float, text: str) -> None:
        posted = await sandbox.control(http, "post", {"username": "marie", "room": room,
                                                      "text": text})
        reply_id = message_id_for(f"{posted['message']['_id']}:{reply_key}")
        run.command_of[reply_id] = posted["message"]["_id"]
        run.sent_at[reply_id] = sent
        run.early += reply_id in arrivals.first

    interval = 1.0 / rate
    started = time.perf_counter()
    posts = []
    for index in range(int(rate * seconds)):
        delay = started + index * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        text = target.texts[index % len(target.texts)]
        posts.append(asyncio.create_task(post(time.perf_counter(), text)))
    await asyncio.gather(*posts)
    deadline = time.perf_counter() + DRAIN_SECONDS
    while len(run.seen_at) < len(run.sent_at) and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)  # late duplicates, and the reply's own bookkeeping
    commands = max(len(run.sent_at), 1)
    for name, pid in watched.items():
        run.cpu_ms[name] = (cpu_seconds(pid) - cpu_before[name]) * 1000 / commands
    return run


async def explain_late(sandbox: Sandbox, http: aiohttp.ClientSession, run: Run,
                       room: str) -> None:
    """For each command without its answer: what the room holds in its thread, on stderr."""
    if run.early:
        print(f"{run.early} answers streamed in before the post that asked for them had "
              "returned (counted)", file=sys.stderr)
    late = [reply for reply in run.sent_at if reply not in run.seen_at]
    if not late:
        return
    async with http.get(f"{sandbox.url}/_sandbox/messages", params={"room": room}) as response:
        held = (await response.json())["messages"]
    by_id = {message["_id"]: message for message in held}
    for reply in late:
        command = run.command_of[reply]
        thread = [{key: message.get(key) for key in ("_id", "msg", "ts", "editedAt")}
                  for message in held if message.get("tmid") == command]
        print(f"late: command {command} in room: {command in by_id}; expected answer "
              f"{reply} in room: {reply in by_id}; its thread: {thread}", file=sys.stderr)


CPUS = os.cpu_count() or 1


def cores(run: Run, rate: float) -> float:
    """Cores the bot, the sandbox and the bench took together at this rate."""
    return sum(run.cpu_ms.values()) * rate / 1000


def summary(run: Run) -> tuple[float, float, float, int]:
    latencies = sorted(run.latencies_ms())
    lost = len(run.sent_at) - len(latencies)
    if not latencies:
        return float("nan"), float("nan"), 0.0, lost
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return statistics.median(latencies), p99, run.throughput(), lost


async def main(rates: list[float], seconds: float, pin: bool) -> None:
    split = split_cpus() if pin else None
    if pin and split is None:
        raise SystemExit("--pin needs at least 2 CPUs")
    bot_cpus, rig_cpus = split or (None, None)
    if rig_cpus is not None:
        os.sched_setaffinity(0, rig_cpus)  # this process and the threads it makes from now on
    sandbox = Sandbox()
    await sandbox.start(rig_cpus)
    with tempfile.TemporaryDirectory() as scratch:
        bot = await start_bot(sandbox, Path(scratch), bot_cpus)
        async with aiohttp.ClientSession() as http:
            echo = await echo_client(sandbox, http, "bench-echo")
            observer = DdpClient(sandbox.url.replace("http", "ws", 1) + "/websocket")
            await observer.open(username="marie", password="marie-sandbox-pass")
            arrivals = Arrivals()

            def seen(frame: Frame) -> None:
                message = frame["fields"]["args"][0]
                if message.get("editedAt") is None:
                    arrivals.saw(message["_id"])

            observer.on_changed = seen
            await observer.subscribe("stream-room-messages", "__my_messages__")
            # Warm-up: the bot is ready when it answers. A bot on a new store answers only what
            # is said once it listens (it never replays older commands), so ask until it does.
            for _ in range(30):
                warm = await measure(sandbox, http, arrivals, BOT, rate=2, seconds=1)
                if warm.seen_at:
                    break
            else:
                bot.terminate()
                raise SystemExit("the bot never answered")
            assert sandbox.process is not None
            # The bench's own process (poster, observer, echo client) shares the machine: the
            # three together tell how much of it a rate takes ("cores", of os.cpu_count()).
            watched = {"bot": bot.pid, "sandbox": sandbox.process.pid, "bench": os.getpid()}
            print("load average: " + " ".join(f"{load:.2f}" for load in os.getloadavg()))
            if split is not None:
                print(f"pinned: the bot on CPU {sorted(bot_cpus or ())}, the sandbox and the "
                      f"bench on {sorted(rig_cpus or ())}")
            print(f"{'rate/s':>6} | {'bot p50':>8} {'bot p99':>8} {'bot thr':>8} "
                  f"{'cpu/cmd':>8} {'sbx/cmd':>8} {'bench/cmd':>9} {'cores':>5} {'late':>4} "
                  f"{'dup':>3} {'rss':>7} | "
                  f"{'echo p50':>8} {'echo p99':>8} {'echo thr':>8} {'sbx/cmd':>8} | "
                  f"{'p99 ratio':>9}")
            for rate in rates:
                bot_run = await measure(sandbox, http, arrivals, BOT, rate=rate, seconds=seconds,
                                        watched=watched)
                echo_run = await measure(sandbox, http, arrivals, ECHO, rate=rate, seconds=seconds,
                                         watched={"sandbox": sandbox.process.pid})
                b50, b99, bthr, blost = summary(bot_run)
                e50, e99, ethr, _ = summary(echo_run)
                await explain_late(sandbox, http, bot_run, BOT.room)
                print(f"{rate:>6.0f} | {b50:>6.1f}ms {b99:>6.1f}ms {bthr:>6.1f}/s "
                      f"{bot_run.cpu_ms['bot']:>6.2f}ms {bot_run.cpu_ms['sandbox']:>6.2f}ms "
                      f"{bot_run.cpu_ms['bench']:>7.2f}ms {cores(bot_run, rate):>3.2f}/{CPUS} "
                      f"{blost:>4} {bot_run.seen_twice:>3} {rss_mib(bot.pid):>4.0f}MiB | "
                      f"{e50:>6.1f}ms {e99:>6.1f}ms {ethr:>6.1f}/s "
                      f"{echo_run.cpu_ms['sandbox']:>6.2f}ms | {b99 / e99:>8.2f}x", flush=True)
            await observer.close()
            await echo.close()
        bot.terminate()
        await bot.wait()
    await sandbox.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rates", default="5,20,50")
    parser.add_argument("--pin", action="store_true",
                        help="the bot alone on one CPU, the sandbox and the bench on the others")
    args = parser.parse_args()
    asyncio.run(main([float(r) for r in args.rates.split(",")], args.seconds, args.pin))
