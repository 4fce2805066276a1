"""One DDP session on rocketchat-async, the only module that imports it (it is deprecated
upstream: keeping it here makes it replaceable). Receives; never sends messages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from rocketchat_async import RocketChat
from websockets.exceptions import WebSocketException

MY_MESSAGES = "__my_messages__"
RawMessageHandler = Callable[[dict[str, Any]], None]
RoomChangeHandler = Callable[[str, dict[str, Any]], None]


class SessionLost(Exception):
    """The websocket closed or the session could not be opened."""


class TokenRefused(SessionLost):
    """The server refused the resume token (personal access token revoked or wrong)."""


def websocket_url(http_url: str) -> str:
    base = http_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :] + "/websocket"
    return "ws://" + base.removeprefix("http://") + "/websocket"


class RealtimeSession:
    def __init__(
        self,
        http_url: str,
        username: str,
        token: str,
        on_message: RawMessageHandler,
        on_room_change: RoomChangeHandler,
        *,
        open_timeout: float,
    ) -> None:
        self._url = websocket_url(http_url)
        self._open_timeout = open_timeout
        self._username = username
        self._token = token
        self._on_message = on_message
        self._on_room_change = on_room_change
        self._client = RocketChat()

    async def open(self) -> list[dict[str, Any]]:
        """Connects, resumes with the token, subscribes once; returns the bot's rooms.

        rocketchat-async waits for the server's answers forever: a server that accepts the
        websocket and then stays silent would hold the supervisor, so the whole opening is
        bounded and a silent server is a lost session, retried like any other.
        """
        try:
            async with asyncio.timeout(self._open_timeout):
                return await self._open()
        except TimeoutError as exc:
            raise SessionLost(f"no answer within {self._open_timeout:g} s") from exc

    async def _open(self) -> list[dict[str, Any]]:
        try:
            await self._client.resume(self._url, self._username, self._token)
        except KeyError as exc:  # rocketchat-async reads result['id'] even on a login error
            raise TokenRefused("resume token refused") from exc
        except (
            OSError,
            WebSocketException,  # e.g. a proxy answering the upgrade with 404 or 502
            RocketChat.ConnectCallFailed,
            RocketChat.ConnectionClosed,
        ) as exc:
            raise SessionLost(str(exc)) from exc
        rooms: list[dict[str, Any]] = await self._client.get_channels_raw()
        # Callbacks run synchronously inside the library's receive loop: keep them tiny.
        await self._client.subscribe_to_channel_messages_raw(MY_MESSAGES, self._on_message)
        await self._client.subscribe_to_channel_changes_raw(self._room_changed)
        return rooms

    def _room_changed(self, args: list[Any]) -> None:
        if len(args) >= 2 and isinstance(args[1], dict):
            self._on_room_change(str(args[0]), args[1])

    async def run(self) -> None:
        """Returns only by raising SessionLost, when the connection ends."""
        try:
            await self._client.run_forever()
        except Exception as exc:  # the library surfaces every close as some exception
            raise SessionLost(str(exc)) from exc
        raise SessionLost("session ended")

    async def close(self) -> None:
        for name in ("dispatch_task", "_ws_connection_task"):
            task = getattr(self._client, name, None)
            if isinstance(task, asyncio.Task) and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
