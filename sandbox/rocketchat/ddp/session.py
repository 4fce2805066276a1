"""One DDP connection: its outbound queue, login state, subscriptions and heartbeat."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.rocketchat.faults import Faults
from sandbox.rocketchat.state.models import User


@dataclass
class Heartbeat:
    """Meteor ddp-server defaults: ping after 15 s of silence, close 15 s later."""

    interval: float = 15.0
    timeout: float = 15.0


@dataclass
class StreamSub:
    id: str
    name: str
    event_name: str


@dataclass(eq=False)
class DdpSession:
    id: str
    ws: web.WebSocketResponse
    faults: Faults
    user: User | None = None
    token: str | None = None
    connected: bool = False
    subs: dict[str, StreamSub] = field(default_factory=dict)
    outbox: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)
    last_received: float = 0.0
    frames_sent: int = 0

    def send(self, frame: dict[str, Any]) -> None:
        self.outbox.put_nowait(frame)

    def close_soon(self) -> None:
        self.outbox.put_nowait(None)

    async def write_loop(self) -> None:
        """Single writer so frames leave in the order they were queued."""
        while (frame := await self.outbox.get()) is not None:
            if self.faults.latency_ms:
                await asyncio.sleep(self.faults.latency_ms / 1000)
            if self.ws.closed:
                return
            await self.ws.send_str(json.dumps(frame, separators=(",", ":")))
            self.frames_sent += 1
            limit = self.faults.drop_websocket_after
            if limit is not None and self.frames_sent >= limit:
                break
        await self.ws.close()

    async def heartbeat_loop(self, heartbeat: Heartbeat) -> None:
        loop = asyncio.get_running_loop()
        while not self.ws.closed:
            idle = loop.time() - self.last_received
            if idle < heartbeat.interval:
                await asyncio.sleep(heartbeat.interval - idle)
                continue
            pinged_at = loop.time()
            self.send({"msg": "ping"})
            await asyncio.sleep(heartbeat.timeout)
            if self.last_received < pinged_at:
                self.close_soon()
                return
