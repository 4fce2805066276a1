"""A running sandbox Rocket.Chat and the real `ensemble-bot run` process connected to it."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import aiohttp
import pytest

from sandbox.rocketchat import RocketChatSandbox
from sandbox.stack import SandboxStack

EXECUTABLE = Path(sys.executable).parent / "ensemble-bot"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class RunningBot:
    sandbox: RocketChatSandbox
    process: asyncio.subprocess.Process
    http_url: str
    log_path: Path
    log_file: BinaryIO

    def bot_messages(self, room: str) -> list[dict[str, Any]]:
        return [
            m for m in self.sandbox.state.messages(room) if m["u"]["username"] == "ensemble-bot"
        ]

    async def wait_for(
        self, condition: Callable[[], bool], timeout: float = 20.0, what: str = "condition"
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.05)

    async def wait_for_async(
        self, condition: Callable[[], Awaitable[bool]], timeout: float = 20.0, what: str = ""
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not await condition():
            if loop.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.05)

    async def alive(self) -> bool:
        try:
            async with aiohttp.ClientSession() as session, session.get(
                f"{self.http_url}/healthz"
            ) as response:
                return response.status == 200
        except aiohttp.ClientError:
            return False

    async def ready(self) -> bool:
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"{self.http_url}/readyz") as response,
            ):
                return response.status == 200
        except aiohttp.ClientError:
            return False

    async def leading(self) -> bool:
        """Ready as the leader: connected, and every message said from now on is heard. A
        replica is ready as a standby while it starts (before it takes the lead)."""
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"{self.http_url}/readyz") as response,
            ):
                body = await response.json()
                return response.status == 200 and body.get("role") == "leader"
        except aiohttp.ClientError:
            return False

    async def metrics(self) -> str:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{self.http_url}/metrics") as response,
        ):
            return await response.text()


async def start_bot(
    sandbox: RocketChatSandbox,
    tmp_path: Path,
    base_env: dict[str, str] | None = None,
    *,
    wait_ready: bool = True,
    standby: bool = False,
    **extra_env: str,
) -> RunningBot:
    port = free_port()
    log_path = tmp_path / "bot.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    env.update(base_env if base_env is not None else sandbox.env())
    env.update(
        {
            "ENSEMBLE_STORE__URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
            "ENSEMBLE_HTTP__HOST": "127.0.0.1",
            "ENSEMBLE_HTTP__PORT": str(port),
            "ENSEMBLE_RATE_LIMIT__BURST": "1000",
            "ENSEMBLE_RATE_LIMIT__PER_MINUTE": "100000",
            "ENSEMBLE_LOG__FORMAT": "json",
        }
    )
    env.update(extra_env)
    log_file = log_path.open("wb")
    process = await asyncio.create_subprocess_exec(
        str(EXECUTABLE), "run", env=env, stdout=log_file, stderr=log_file
    )
    bot = RunningBot(sandbox, process, f"http://127.0.0.1:{port}", log_path, log_file)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    started = bot.alive if not wait_ready else bot.ready if standby else bot.leading
    while not await started():
        if process.returncode is not None or loop.time() > deadline:
            await stop_bot(bot)
            raise AssertionError(f"bot did not become ready:\n{log_path.read_text()}")
        await asyncio.sleep(0.1)
    return bot


async def stop_bot(bot: RunningBot) -> None:
    if bot.process.returncode is None:
        bot.process.terminate()
        await asyncio.wait_for(bot.process.wait(), 30)
    bot.log_file.close()


@pytest.fixture
async def rocketchat() -> AsyncIterator[RocketChatSandbox]:
    sandbox = RocketChatSandbox()
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


@pytest.fixture
async def live_bot(rocketchat: RocketChatSandbox, tmp_path: Path) -> AsyncIterator[RunningBot]:
    bot = await start_bot(rocketchat, tmp_path)
    yield bot
    await stop_bot(bot)


@pytest.fixture
async def stack() -> AsyncIterator[SandboxStack]:
    """The three simulators together, for the feature end-to-end tests."""
    running = SandboxStack()
    await running.start()
    yield running
    await running.stop()


async def download_as_bot(chat_url: str, env: dict[str, str], path: str) -> bytes:
    """A file the bot posted, fetched with the bot's own Rocket.Chat credentials."""
    headers = {
        "X-User-Id": env["ENSEMBLE_ROCKETCHAT__USER_ID"],
        "X-Auth-Token": env["ENSEMBLE_ROCKETCHAT__TOKEN"],
    }
    async with (
        aiohttp.ClientSession() as http,
        http.get(chat_url + path, headers=headers) as response,
    ):
        assert response.status == 200
        return await response.read()
