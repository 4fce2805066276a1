"""One DDP session on rocketchat-async, the only module that imports it (it is deprecated
upstream: keeping it here makes it replaceable). Receives; never sends messages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from rocketchat_async import RocketChat
from rocketchat_async.methods import RealtimeRequest
from websockets.exceptions import WebSocketException
from websockets.legacy.client import connect

MY_MESSAGES = "__my_messages__"
RawMessageHandler = Callable[[dict[str, Any]], None]
RoomChangeHandler = Callable[[str, dict[str, Any]], None]
FieldsHandler = Callable[[dict[str, Any]], None]


class SessionLost(Exception):
    """The websocket closed or the session could not be opened."""


class TokenRefused(SessionLost):
    """The server refused the resume token (personal access token revoked or wrong)."""


def websocket_url(http_url: str) -> str:
    base = http_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base[len("https://") :] + "/websocket"
    return "ws://" + base.removeprefix("http://") + "/websocket"


class _Subscribe(RealtimeRequest):  # type: ignore[misc]  # the library is untyped
    """A `sub` whose callback gets the frame's whole `fields` ({eventName, args}).

    The library's own wrappers keep only `args[0]` of a message frame (losing
    `roomParticipant`) and drop the event name of user events (so rooms-changed and
    subscriptions-changed, which share one callback per stream, could not be told apart).
    """

    @classmethod
    async def call(
        cls, dispatcher: Any, stream: str, params: list[Any], callback: FieldsHandler
    ) -> str:
        sub_id: str = cls._get_new_id()
        frame = {"msg": "sub", "id": sub_id, "name": stream, "params": params}
        await dispatcher.create_subscription(frame, sub_id, lambda f: callback(f["fields"]))
        return sub_id


class _Client(RocketChat):  # type: ignore[misc]  # the library is untyped
    """rocketchat-async's client on a websocket without permessage-deflate.

    The library opens it with websockets' defaults, which offer compression: inflating every
    frame cost about 0.1 ms of CPU (0.3 ms per command: the command, the reply, the command
    again with its thread) to save bandwidth between two servers of one data centre. The
    server only compresses when the client offers it (RFC 7692), so declining changes
    nothing else."""

    async def _start(self, address: str, connected: asyncio.Future[bool]) -> None:
        try:
            async with connect(address, compression=None) as websocket:
                self.dispatch_task = self._dispatcher.run(websocket)
                connected.set_result(True)
                await self.dispatch_task
        except Exception as exc:  # the opening's failure goes to whoever awaits it
            if not connected.done():
                connected.set_exception(exc)


class RealtimeSession:
    def __init__(
        self,
        http_url: str,
        username: str,
        token: str,
        on_message: RawMessageHandler,
        *,
        on_room_change: RoomChangeHandler,
        on_subscription_change: RoomChangeHandler,
        open_timeout: float,
    ) -> None:
        self._url = websocket_url(http_url)
        self._open_timeout = open_timeout
        self._username = username
        self._token = token
        self._on_message = on_message
        self._on_room_change = on_room_change
        self._on_subscription_change = on_subscription_change
        self._client = _Client()

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
        dispatcher = self._client._dispatcher
        options = {"useCollection": False, "args": []}
        await _Subscribe.call(
            dispatcher, "stream-room-messages", [MY_MESSAGES, options], self._my_message
        )
        # Being removed from a room only shows on subscriptions-changed: rooms-changed
        # silently stops following that room (RC notifications.module.ts, streamUser).
        for event in ("rooms-changed", "subscriptions-changed"):
            params = [f"{self._client.user_id}/{event}", False]
            await _Subscribe.call(dispatcher, "stream-notify-user", params, self._user_event)
        return rooms

    def _my_message(self, fields: dict[str, Any]) -> None:
        """`args = [message, {roomParticipant, roomType, roomName}]` (Rocket.Chat 7.x
        apps/meteor/server/modules/notifications/notifications.module.ts, `__my_messages__`).

        Every public channel's traffic reaches `__my_messages__`, flagged
        `roomParticipant: false` where the bot is not a member (or no longer is).
        """
        args = fields.get("args") or []
        if not args or not isinstance(args[0], dict):
            return
        extra = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
        if extra.get("roomParticipant") is False:
            return
        self._on_message(args[0])

    def _user_event(self, fields: dict[str, Any]) -> None:
        args = fields.get("args") or []
        if len(args) < 2 or not isinstance(args[1], dict):
            return
        if str(fields.get("eventName", "")).endswith("/subscriptions-changed"):
            self._on_subscription_change(str(args[0]), args[1])
        else:
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
