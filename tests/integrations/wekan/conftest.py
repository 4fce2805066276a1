"""A running sandbox Wekan and the bot's client logged in to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from integrations.wekan.boards import WekanBoards
from integrations.wekan.session import WekanSession
from sandbox.wekan import WekanSandbox


@pytest.fixture
async def wekan() -> AsyncIterator[WekanSandbox]:
    sandbox = WekanSandbox()
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


@pytest.fixture
async def boards(wekan: WekanSandbox) -> AsyncIterator[WekanBoards]:
    env = wekan.env()
    port = WekanBoards(WekanSession(env["ENSEMBLE_WEKAN__URL"], env["ENSEMBLE_WEKAN__USERNAME"],
                                    env["ENSEMBLE_WEKAN__PASSWORD"], timeout_seconds=5))
    yield port
    await port.close()


def seeded_board(wekan: WekanSandbox) -> dict[str, Any]:
    board = wekan.describe()["board"]
    assert isinstance(board, dict)
    return board


async def control(wekan: WekanSandbox, path: str, **body: Any) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(
        f"{wekan.url}/_sandbox/{path}", json=body
    ) as response:
        data: dict[str, Any] = await response.json()
        assert response.status == 200, data
        return data
