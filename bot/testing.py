"""The people, room and helpers of the tests; the harness that drives the whole bot is
composition/testing.py, since it builds the bot as the composition root does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.models import Room, RoomType, User

AGENT = User("u-marie", "marie", "Marie Curie", frozenset({"user"}))
CRISIS_LEAD = User("u-sophie", "sophie", "Sophie Germain", frozenset({"user", "crise"}))
ADMIN = User("u-admin", "admin", "Admin", frozenset({"admin", "user"}))
TEAM_ROOM = Room("r-team", "equipe-projet", RoomType.PRIVATE)


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Returns once `condition()` holds; fails the test if it still does not after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)




def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'bot.db'}"
