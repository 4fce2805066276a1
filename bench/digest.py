"""One digest run at scale: every subscriber due at once, against a seeded sandbox Wekan.

The issue's scale is 9,000 subscribers, 2,000 boards, 50,000 cards; `--scale` keeps the same
ratios (4.5 people and 25 cards per board, each person in 3 rooms, one room per board). The
sandbox Wekan runs in its own process (seeded there); the bot side is the real Application
(store, features, Wekan adapter, digest runner) with the in-memory chat, so the figures are
the bot's own work plus Wekan's answers, not Rocket.Chat's pacing.

Prints the run's wall time, the Wekan calls per board, the bot process's peak memory, and a
baseline from the same run: the bare reads of every board's export with a plain HTTP client
at the same concurrency (what no digest can avoid).
Usage: `python bench/digest.py [--scale 0.2]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
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

from bot.models import Room, RoomType, User  # noqa: E402
from commands.digest.run import DigestRunner  # noqa: E402
from commands.digest.schedule import Cadence, Schedule  # noqa: E402
from commands.digest.store import Status, Subscriptions, Wanted, user_target  # noqa: E402
from commands.kanban.digest import BOARD_READS  # noqa: E402
from commands.kanban.store import BoardLinks  # noqa: E402
from composition.settings import WekanSection  # noqa: E402
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


async def run(scale: float) -> None:
    child = subprocess.Popen(  # noqa: S603 - this very script, as the Wekan server
        [sys.executable, __file__, "--serve-wekan", "--scale", str(scale)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert child.stdout is not None
        seeded = json.loads(child.stdout.readline())
        await measure(scale, seeded["env"], seeded["boards"])
    finally:
        child.terminate()
        child.wait()


async def measure(scale: float, env: dict[str, str], boards: list[dict[str, Any]]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="digest-bench-"))
    settings = make_settings(
        f"sqlite+aiosqlite:///{folder / 'bot.db'}",
        wekan=WekanSection(url=env["ENSEMBLE_WEKAN__URL"],
                           username=env["ENSEMBLE_WEKAN__USERNAME"],
                           password=SecretStr(env["ENSEMBLE_WEKAN__PASSWORD"]),
                           webhook_token=SecretStr(env["ENSEMBLE_WEKAN__WEBHOOK_TOKEN"]),
                           polling=False),
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
        calls: Counter[str] = Counter()
        port = services.get(DigestRunner).composer.sections.find("cartes")
        session = port.boards.session  # type: ignore[union-attr]
        request = session.request

        async def counted(method: str, path: str, **kwargs: Any) -> Any:
            calls[path.split("/")[3] if path.startswith("/api/boards/") else path] += 1
            return await request(method, path, **kwargs)

        session.request = counted
        memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        await services.get(DigestRunner).tick()
        elapsed = time.perf_counter() - started
        memory_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
    parser.add_argument("--serve-wekan", action="store_true")
    arguments = parser.parse_args()
    if arguments.serve_wekan:
        serve_wekan(arguments.scale)
    else:
        asyncio.run(run(arguments.scale))
