"""Opening the realtime session against servers that misbehave: the bot keeps trying."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.testing import eventually
from integrations.rocketchat.settings import RocketChatSettings
from integrations.rocketchat.transport import RocketChatTransport
from tests.integrations.rocketchat.conftest import from_now


class BrokenRocketChat:
    """REST answers `me`; the websocket either never says a word or is refused with 404."""

    def __init__(self, *, refuse_websocket: bool) -> None:
        self.refuse_websocket = refuse_websocket
        self.websocket_attempts = 0
        app = web.Application()
        app.router.add_get("/api/v1/me", self._me)
        app.router.add_get("/websocket", self._websocket)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        self.url = ""

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _me(self, _request: web.Request) -> web.Response:
        return web.json_response({"_id": "bot-id", "username": "ensemble-bot", "success": True})

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        self.websocket_attempts += 1
        if self.refuse_websocket:
            raise web.HTTPNotFound()
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        async for _frame in socket:  # reads `connect` and never answers
            pass
        return socket


@pytest.fixture(params=[False, True], ids=["silent", "refused"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[BrokenRocketChat]:
    running = BrokenRocketChat(refuse_websocket=request.param)
    await running.start()
    yield running
    await running.stop()


async def test_a_server_that_does_not_open_the_session_is_retried(
    server: BrokenRocketChat, caplog: pytest.LogCaptureFixture
) -> None:
    chat = RocketChatTransport(
        RocketChatSettings(
            url=server.url, user_id="bot-id", token="token", request_timeout_seconds=0.2
        ),
        backoff_base_seconds=0.01,
    )

    async def ignore(_event: object) -> None:
        return None

    await chat.start(ignore, from_now)
    try:
        with caplog.at_level(logging.WARNING, "integrations.rocketchat.transport"):
            await eventually(lambda: server.websocket_attempts >= 2)
        assert not chat.ready
        assert "Rocket.Chat connection lost" in caplog.messages
    finally:
        await chat.close()
