"""One digest run at scale: every subscriber due at once, against a seeded sandbox Wekan.

The issue's scale is 9,000 subscribers, 2,000 boards, 50,000 cards; `--scale` keeps the same
ratios (4.5 people and 25 cards per board, each person in 3 rooms, one room per board). The
sandbox Wekan runs in its own process (seeded there). The bot side is the real Application
(store, features, Wekan adapter, digest runner) with, by default, the real Rocket.Chat
transport talking to the sandbox Rocket.Chat in its own process (`ensemble-sandbox serve`,
seeded through its control routes): room members read over REST, each digest a direct
message (`im.create` then `chat.sendMessage`), at the pace the transport keeps. The bot has
Rocket.Chat's default `api-bypass-rate-limit` of the `bot` role: 9,000 messages under the
default per-route limiter would need hours whatever the bot does. `--chat memory` measures
the bot's own work alone, with the in-memory chat.

Prints the run's wall time, the Wekan calls per board, the bot process's peak memory, and a
baseline from the same run: the bare reads of every board's export with a plain HTTP client
at the same concurrency (what no digest can avoid).
Usage: `python bench/digest.py [--scale 0.2] [--chat rocketchat|memory]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import StoreSettings  # noqa: E402
from bot.models import Room, RoomType, User  # noqa: E402
from commands.digest.run import DigestRunner  # noqa: E402
from commands.digest.schedule import Cadence, Schedule  # noqa: E402
from commands.digest.store import Status, Subscriptions, Wanted, user_target  # noqa: E402
from commands.kanban.digest import BOARD_READS  # noqa: E402
from commands.kanban.store import BoardLinks  # noqa: E402
from composition.root import build_service  # noqa: E402
from composition.settings import EnsembleSettings, WekanSection  # noqa: E402
from composition.testing import BotHarness, make_settings  # noqa: E402
from sandbox.wekan import WekanSandbox  # noqa: E402
from sandbox.wekan.ids import meteor_id  # noqa: E402
from sandbox.wekan.models import Card, Member  # noqa: E402

PEOPLE, BOARDS, CARDS = 9000, 2000, 50000
ROOMS_PER_PERSON = 3
NOW = datetime.now(UTC).replace(microsecond=0)


def serve_wekan(scale: float) -> None:
    """The child: a sandbox Wekan seeded at scale; prints its URL and boards, then serves."""
    async def main() -> None:
        wekan = WekanSandbox()
        store, rng = wekan.store, random.Random(7)
        people = [store.add_user(f"p{i}", f"Personne {i}", None)
                  for i in range(int(PEOPLE * scale))]
        bot = store.user_by_username("ensemble-bot")
        assert bot is not None
        boards = []
        for number in range(int(BOARDS * scale)):
            board, lane = store.add_board(f"Tableau {number}", bot.id)
            lists = [store.add_list(board.id, t, lane.id).id for t in ("À faire", "En cours",
                                                                        "Fait")]
            boards.append({"id": board.id, "title": board.title, "lists": lists,
                           "lane": lane.id, "members": []})
        for person in people:  # each in ROOMS_PER_PERSON rooms, i.e. boards
            for board in rng.sample(boards, ROOMS_PER_PERSON):
                board["members"].append(person.username)
                store.boards[board["id"]].members.append(Member(user_id=person.id))
        by_name = {p.username: p for p in people}
        for number in range(int(CARDS * scale)):
            board = boards[number % len(boards)]
            who = rng.choice(board["members"]) if board["members"] else None
            assignees = [by_name[who].id] if who else []
            card = Card(
                id=meteor_id(), board_id=board["id"], list_id=rng.choice(board["lists"]),
                swimlane_id=board["lane"], title=f"Carte {number}", user_id=bot.id,
                sort=float(number), card_number=number + 1, created_at=NOW, modified_at=NOW,
                date_last_activity=NOW, members=list(assignees), assignees=assignees,
                dates={"dueAt": NOW + timedelta(hours=rng.uniform(-72, 72))},
            )
            store.cards[card.id] = card
        await wekan.start()
        print(json.dumps({"env": wekan.env(), "boards": boards}), flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


async def bare_reads(env: dict[str, str], boards: list[dict[str, Any]]) -> float:
    """Baseline: every board's export once, with a plain client, BOARD_READS at a time."""
    url = env["ENSEMBLE_WEKAN__URL"]
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/users/login", json={
            "username": env["ENSEMBLE_WEKAN__USERNAME"],
            "password": env["ENSEMBLE_WEKAN__PASSWORD"],
        }) as response:
            token = (await response.json())["token"]
        limit = asyncio.Semaphore(BOARD_READS)

        async def read(board_id: str) -> None:
            async with limit, http.get(f"{url}/api/boards/{board_id}/export",
                                       params={"authToken": token}) as answer:
                await answer.read()

        started = time.perf_counter()
        await asyncio.gather(*(read(b["id"]) for b in boards))
        return time.perf_counter() - started


async def run(scale: float, chat: str) -> None:
    child = subprocess.Popen(  # noqa: S603 - this very script, as the Wekan server
        [sys.executable, __file__, "--serve-wekan", "--scale", str(scale)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout is not None
        seeded = json.loads(child.stdout.readline())
        if chat == "memory":
            await measure(scale, seeded["env"], seeded["boards"])
        else:
            await measure_over_rocketchat(scale, seeded["env"], seeded["boards"])
    finally:
        child.terminate()
        child.wait()


def wekan_section(env: dict[str, str]) -> WekanSection:
    return WekanSection(url=env["ENSEMBLE_WEKAN__URL"], username=env["ENSEMBLE_WEKAN__USERNAME"],
                        password=SecretStr(env["ENSEMBLE_WEKAN__PASSWORD"]),
                        webhook_token=SecretStr(env["ENSEMBLE_WEKAN__WEBHOOK_TOKEN"]),
                        polling=False)


def count_wekan_calls(services: Any) -> Counter[str]:
    calls: Counter[str] = Counter()
    port = services.get(DigestRunner).composer.sections.find("cartes")
    session = port.boards.session
    request = session.request

    async def counted(method: str, path: str, **kwargs: Any) -> Any:
        calls[path.split("/")[3] if path.startswith("/api/boards/") else path] += 1
        return await request(method, path, **kwargs)

    session.request = counted
    return calls


async def timed_run(services: Any) -> tuple[float, float, float]:
    """One digest run: its wall time, and the process's peak memory before and after (MiB)."""
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    await services.get(DigestRunner).tick()
    elapsed = time.perf_counter() - started
    return elapsed, memory_before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def seed_rocketchat(http: aiohttp.ClientSession, url: str, boards: list[dict[str, Any]],
                          bot_username: str) -> tuple[dict[str, str], list[str]]:
    """The people (username → id) and one private room per board, through the control
    routes; a few at a time, as a server would take them."""
    limit = asyncio.Semaphore(8)

    async def control(action: str, body: dict[str, Any]) -> dict[str, Any]:
        async with limit, http.post(f"{url}/_sandbox/{action}", json=body) as answer:
            found: dict[str, Any] = await answer.json()
            if answer.status != 200:
                raise RuntimeError(f"{action}: {found}")
            return found

    names = sorted({n for board in boards for n in board["members"]})
    made = await asyncio.gather(*(control("users", {"username": n}) for n in names))
    rooms = await asyncio.gather(*(
        control("rooms", {"name": f"salon-{number}", "type": "p", "owner": bot_username,
                          "members": [bot_username, *board["members"]]})
        for number, board in enumerate(boards)))
    return {u["username"]: u["user_id"] for u in made}, [r["room_id"] for r in rooms]


async def link_and_subscribe(services: Any, boards: list[dict[str, Any]], room_ids: list[str],
                             people: dict[str, str]) -> None:
    links, store = services.get(BoardLinks), services.get(Subscriptions)
    for room_id, board in zip(room_ids, boards, strict=True):
        await links.link(room_id, board["id"], board["title"], "bench")
    schedule = Schedule(Cadence.DAILY, (NOW - timedelta(minutes=1)).time())
    for username, user_id in people.items():
        await store.subscribe(Wanted(
            target=user_target(user_id), schedule=schedule, timezone="UTC",
            occurrence=NOW - timedelta(seconds=30), due_at=NOW - timedelta(seconds=30),
            user_id=user_id, username=username))


async def digests_received(http: aiohttp.ClientSession, url: str,
                           usernames: list[str]) -> Counter[int]:
    """How many digests each person got, as the sandbox Rocket.Chat holds them."""
    received: Counter[int] = Counter()
    for username in usernames:
        async with http.get(f"{url}/_sandbox/dms", params={"username": username}) as answer:
            messages = (await answer.json())["messages"]
        received[sum(1 for m in messages if m["msg"].startswith("**"))] += 1
    return received


async def measure_over_rocketchat(scale: float, env: dict[str, str],
                                  boards: list[dict[str, Any]]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="digest-bench-"))
    sandbox = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "ensemble-sandbox"), "serve",
        stdout=asyncio.subprocess.PIPE)
    try:
        assert sandbox.stdout is not None
        described = json.loads(await sandbox.stdout.readline())
        rocketchat_url = described["env"]["ENSEMBLE_ROCKETCHAT__URL"]
        for key, value in described["env"].items():
            if key.startswith(("ENSEMBLE_ROCKETCHAT__", "ENSEMBLE_JITSI__",
                               "ENSEMBLE_NEXTCLOUD__")):
                os.environ[key] = value
        os.environ["ENSEMBLE_HTTP__HOST"] = "127.0.0.1"
        os.environ["ENSEMBLE_HTTP__PORT"] = str(free_port())
        os.environ["ENSEMBLE_LOG__LEVEL"] = "WARNING"
        async with aiohttp.ClientSession() as http:
            started = time.perf_counter()
            people, room_ids = await seed_rocketchat(
                http, rocketchat_url, boards, described["env"]["ENSEMBLE_ROCKETCHAT__USERNAME"])
            print(f"seeded the sandbox Rocket.Chat in {time.perf_counter() - started:.1f} s")
            settings = EnsembleSettings(store=StoreSettings(
                url=f"sqlite+aiosqlite:///{folder / 'bot.db'}"), wekan=wekan_section(env))
            settings.digest.spread_seconds = 0  # all at once: the worst case
            settings.digest.batch_size = 100_000
            settings.digest.check_seconds = 3600  # the one run measured is started by hand
            app = build_service(settings)
            await app.start()
            try:
                services = app.runtime.services
                store = services.get(Subscriptions)
                await link_and_subscribe(services, boards, room_ids, people)
                calls = count_wekan_calls(services)
                elapsed, memory_before, memory_peak = await timed_run(services)
                outcomes: Counter[Status] = Counter()
                for user_id in people.values():
                    found = await store.get(user_target(user_id))
                    assert found is not None
                    outcomes.update((await store.deliveries(found.id)).values())
            finally:
                await app.stop()
            received = await digests_received(http, rocketchat_url, sorted(people)[:300])
    finally:
        sandbox.terminate()
        await sandbox.wait()
    per_board = [calls.get(b["id"], 0) for b in boards]
    sent = outcomes[Status.SENT]
    print(f"scale {scale}: {len(people)} subscribers, {len(boards)} boards, "
          f"{int(CARDS * scale)} cards; real Rocket.Chat transport to the sandbox")
    print(f"digest run: {elapsed:.2f} s for {sent} DMs sent, {outcomes[Status.EMPTY]} empty, "
          f"{len(people) - sent - outcomes[Status.EMPTY]} not sent; "
          f"{sent / elapsed:.0f} DMs/s")
    print(f"digests received by 300 people checked in the sandbox (count: people): "
          f"{dict(sorted(received.items()))}")
    print(f"wekan calls per board: max {max(per_board)}, mean "
          f"{sum(per_board) / len(per_board):.2f}")
    print(f"peak memory of the bot process: {memory_peak:.0f} MiB "
          f"(before the run {memory_before:.0f} MiB)")


async def measure(scale: float, env: dict[str, str], boards: list[dict[str, Any]]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="digest-bench-"))
    settings = make_settings(
        f"sqlite+aiosqlite:///{folder / 'bot.db'}",
        wekan=wekan_section(env),
    )
    settings.digest.spread_seconds = 0  # all at once: the worst case
    settings.digest.batch_size = 100_000
    settings.digest.check_seconds = 3600  # the one run measured is started by hand
    async with BotHarness(settings) as bot:
        services = bot.app.runtime.services
        links, store = services.get(BoardLinks), services.get(Subscriptions)
        people: dict[str, User] = {}
        for number, board in enumerate(boards):
            room = Room(f"room-{number}", f"salon-{number}", RoomType.PRIVATE)
            members = [people.setdefault(n, bot.chat.add_user(User(f"id-{n}", n)))
                       for n in board["members"]]
            bot.chat.add_room(room, ["bot", *(m.id for m in members)])
            await links.link(room.id, board["id"], board["title"], "bench")
        schedule = Schedule(Cadence.DAILY, (NOW - timedelta(minutes=1)).time())
        for person in people.values():
            await store.subscribe(Wanted(
                target=user_target(person.id), schedule=schedule, timezone="UTC",
                occurrence=NOW - timedelta(seconds=30), due_at=NOW - timedelta(seconds=30),
                user_id=person.id, username=person.username,
            ))
        calls = count_wekan_calls(services)
        elapsed, memory_before, memory_peak = await timed_run(services)
        sent = len([s for s in bot.chat.sent if s.direct_to])
        outcomes: Counter[Status] = Counter()
        for person in list(people.values())[:200]:
            found = await store.get(user_target(person.id))
            assert found is not None
            outcomes.update((await store.deliveries(found.id)).values())
    baseline = await bare_reads(env, boards)
    per_board = [calls.get(b["id"], 0) for b in boards]
    print(f"scale {scale}: {len(people)} subscribers, {len(boards)} boards, "
          f"{int(CARDS * scale)} cards")
    print(f"digest run: {elapsed:.2f} s for {sent} DMs sent "
          f"({len(people) - sent} empty); outcomes of 200 sampled: {dict(outcomes)}")
    print(f"wekan calls per board: max {max(per_board)}, mean "
          f"{sum(per_board) / len(per_board):.2f}; other calls: "
          f"{sum(v for k, v in calls.items() if not k[:1].isalnum() or len(k) != 17)}")
    print(f"peak memory of the bot process: {memory_peak:.0f} MiB "
          f"(before the run {memory_before:.0f} MiB)")
    print(f"baseline, bare export reads of every board: {baseline:.2f} s; "
          f"ratio run/baseline {elapsed / baseline:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--chat", choices=("rocketchat", "memory"), default="rocketchat")
    parser.add_argument("--serve-wekan", action="store_true")
    arguments = parser.parse_args()
    if arguments.serve_wekan:
        serve_wekan(arguments.scale)
    else:
        asyncio.run(run(arguments.scale, arguments.chat))
