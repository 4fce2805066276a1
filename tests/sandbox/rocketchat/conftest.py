"""Fixtures: a running sandbox and a raw DDP client that records every frame."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.ddp.session import Heartbeat
from sandbox.rocketchat.state import seed

Frame = dict[str, Any]


class RawDdp:
    """A bare websocket DDP client: sends frames, waits for the ones a test expects."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.frames: list[Frame] = []
        self._new = asyncio.Event()
        self._reader = asyncio.create_task(self._read())
        self._ids = 0

    async def _read(self) -> None:
        async for raw in self.ws:
            if raw.type == aiohttp.WSMsgType.TEXT:
                self.frames.append(json.loads(raw.data))
                self._new.set()

    async def send(self, frame: Frame) -> None:
        await self.ws.send_str(json.dumps(frame))

    def next_id(self) -> str:
        self._ids += 1
        return f"t{self._ids}"

    async def wait_for(self, predicate: Callable[[Frame], bool], timeout: float = 2.0) -> Frame:
        async def scan() -> Frame:
            seen = 0
            while True:
                for frame in self.frames[seen:]:
                    if predicate(frame):
                        return frame
                seen = len(self.frames)
                self._new.clear()
                await self._new.wait()

        return await asyncio.wait_for(scan(), timeout)

    async def call(self, method: str, *params: Any) -> Frame:
        method_id = self.next_id()
        await self.send({"msg": "method", "method": method, "id": method_id,
                         "params": list(params)})
        return await self.wait_for(lambda f: f.get("msg") == "result" and f["id"] == method_id)

    async def sub(self, name: str, *params: Any, sub_id: str | None = None) -> str:
        sub_id = sub_id or self.next_id()
        await self.send({"msg": "sub", "id": sub_id, "name": name, "params": list(params)})
        return sub_id

    async def connect(self) -> Frame:
        await self.send({"msg": "connect", "version": "1", "support": ["1"]})
        return await self.wait_for(lambda f: f.get("msg") == "connected")

    async def login_password(self, username: str, password: str) -> Frame:
        digest = hashlib.sha256(password.encode()).hexdigest()
        return await self.call("login", {"user": {"username": username},
                                         "password": {"digest": digest,
                                                      "algorithm": "sha-256"}})

    def changed(self, collection: str, event_name: str) -> list[Frame]:
        return [f for f in self.frames if f.get("msg") == "changed"
                and f["collection"] == collection and f["fields"]["eventName"] == event_name]

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)


@pytest.fixture
async def sandbox() -> AsyncIterator[RocketChatSandbox]:
    server = RocketChatSandbox(heartbeat=Heartbeat(interval=0.3, timeout=0.3))
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def ddp_factory(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> AsyncIterator[Callable[[], Any]]:
    clients: list[RawDdp] = []

    async def open_client() -> RawDdp:
        ws = await http.ws_connect(sandbox.ws_url)
        client = RawDdp(ws)
        clients.append(client)
        return client

    yield open_client
    for client in clients:
        await client.close()


@pytest.fixture
async def bot_ddp(ddp_factory: Callable[[], Any], sandbox: RocketChatSandbox) -> RawDdp:
    """A connected DDP client logged in as the bot with its personal access token."""
    client: RawDdp = await ddp_factory()
    await client.connect()
    result = await client.call("login", {"resume": sandbox.bot_token})
    assert "result" in result
    return client


def bot_headers(sandbox: RocketChatSandbox) -> dict[str, str]:
    env = sandbox.env()
    return {"X-User-Id": env["ENSEMBLE_ROCKETCHAT__USER_ID"],
            "X-Auth-Token": env["ENSEMBLE_ROCKETCHAT__TOKEN"]}


async def user_headers(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession, username: str
) -> dict[str, str]:
    """Logs a seeded user in over REST and returns its auth headers."""
    async with http.post(f"{sandbox.url}/api/v1/login",
                         json={"user": username,
                               "password": seed.password_for(username)}) as response:
        data = (await response.json())["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
