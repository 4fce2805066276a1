"""A bare DDP client on aiohttp, for benchmarks: login, subscribe, receive `changed` frames."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
from collections.abc import Callable
from typing import Any

import aiohttp

Frame = dict[str, Any]


class DdpClient:
    def __init__(self, ws_url: str) -> None:
        self._url = ws_url
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[Frame]] = {}
        self.on_changed: Callable[[Frame], None] = lambda _frame: None
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None

    async def open(
        self, *, token: str | None = None, username: str = "", password: str = ""
    ) -> str:
        self._session = aiohttp.ClientSession()
        self._ws = await self._session.ws_connect(self._url)
        self._reader = asyncio.create_task(self._read())
        await self._ws.send_json({"msg": "connect", "version": "1", "support": ["1"]})
        if token:
            params: Any = {"resume": token}
        else:
            digest = hashlib.sha256(password.encode()).hexdigest()
            params = {"user": {"username": username},
                      "password": {"digest": digest, "algorithm": "sha-256"}}
        result = await self.call("login", params)
        return str(result["result"]["id"])

    async def call(self, method: str, *params: Any) -> Frame:
        frame_id = str(next(self._ids))
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self._pending[frame_id] = future
        assert self._ws is not None
        await self._ws.send_json(
            {"msg": "method", "method": method, "id": frame_id, "params": list(params)}
        )
        return await future

    async def subscribe(self, stream: str, event: str) -> None:
        assert self._ws is not None
        await self._ws.send_json({"msg": "sub", "id": f"s{next(self._ids)}", "name": stream,
                                  "params": [event, {"useCollection": False, "args": []}]})

    async def _read(self) -> None:
        assert self._ws is not None
        async for message in self._ws:
            if message.type is not aiohttp.WSMsgType.TEXT:
                break
            frame = json.loads(message.data)
            kind = frame.get("msg")
            if kind == "ping":
                await self._ws.send_json({"msg": "pong"})
            elif kind == "result" and frame.get("id") in self._pending:
                self._pending.pop(frame["id"]).set_result(frame)
            elif kind == "changed":
                self.on_changed(frame)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
