"""The `/websocket` endpoint: DDP framing over aiohttp websockets (Meteor ddp-server
livedata_server.js; Rocket.Chat 7.x apps/meteor/server/modules/streamer/streamer.module.ts)."""

from __future__ import annotations

import asyncio
import json
import logging
import math
from typing import Any

from aiohttp import WSMsgType, web

from sandbox.rocketchat.clock import to_ms
from sandbox.rocketchat.ddp import streams
from sandbox.rocketchat.ddp.methods import METHODS, NO_RESULT, Call
from sandbox.rocketchat.ddp.session import DdpSession, Heartbeat, StreamSub
from sandbox.rocketchat.ejson import from_ejson, to_ejson
from sandbox.rocketchat.errors import MeteorError, ServerError
from sandbox.rocketchat.faults import Faults
from sandbox.rocketchat.ratelimit import RateLimiter
from sandbox.rocketchat.state.events import Event, SubscriptionChanged
from sandbox.rocketchat.state.models import User
from sandbox.rocketchat.state.store import Store

log = logging.getLogger(__name__)
DDP_VERSIONS = ("1", "pre2", "pre1")
INTERNAL_ERROR = MeteorError(500, "Internal server error")


class DdpServer:
    """Owns every live DDP session and fans store events out to their subscriptions."""

    def __init__(self, store: Store, faults: Faults, heartbeat: Heartbeat | None = None) -> None:
        self.store = store
        self.faults = faults
        self.heartbeat = heartbeat or Heartbeat()
        self.sessions: set[DdpSession] = set()
        self.limiter = RateLimiter()
        store.bus.subscribe(self._on_event)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = DdpSession(id=self.store.ids.meteor_id(), ws=ws, faults=self.faults)
        session.last_received = asyncio.get_running_loop().time()
        self.sessions.add(session)
        writer = asyncio.create_task(session.write_loop())
        beat = asyncio.create_task(session.heartbeat_loop(self.heartbeat))
        session.send({"server_id": "0"})
        try:
            await self._read_loop(session)
        finally:
            self.sessions.discard(session)
            beat.cancel()
            session.close_soon()
            await asyncio.gather(writer, beat, return_exceptions=True)
        return ws

    async def _read_loop(self, session: DdpSession) -> None:
        async for raw in session.ws:
            if raw.type != WSMsgType.TEXT:
                continue
            session.last_received = asyncio.get_running_loop().time()
            try:
                frame = json.loads(raw.data)
            except ValueError:
                session.send({"msg": "error", "reason": "Bad request"})
                continue
            if isinstance(frame, dict):
                self._dispatch(session, frame)

    def _dispatch(self, session: DdpSession, frame: dict[str, Any]) -> None:
        kind = frame.get("msg")
        if kind == "connect":
            self._connect(session, frame)
        elif not session.connected:
            session.send({"msg": "error", "reason": "Must connect first",
                          "offendingMessage": frame})
        elif kind == "ping":
            session.send({"msg": "pong", **({"id": frame["id"]} if "id" in frame else {})})
        elif kind == "method":
            self._method(session, frame)
        elif kind == "sub":
            self._subscribe(session, frame)
        elif kind == "unsub":
            session.subs.pop(str(frame.get("id")), None)
            session.send({"msg": "nosub", "id": frame.get("id")})
        elif kind != "pong":
            session.send({"msg": "error", "reason": "Bad request", "offendingMessage": frame})

    def _connect(self, session: DdpSession, frame: dict[str, Any]) -> None:
        if frame.get("version") not in DDP_VERSIONS:
            session.send({"msg": "failed", "version": "1"})
            session.close_soon()
            return
        session.connected = True
        session.send({"msg": "connected", "session": session.id})

    def _throttle(self, key: tuple[str, str], limit: int, window_ms: int) -> None:
        """Meteor DDPRateLimiter rejection (ddp-rate-limiter; Rocket.Chat 7.x
        apps/meteor/app/lib/server/startup/rateLimiter.ts)."""
        decision = self.limiter.hit(key, to_ms(self.store.now()), limit, window_ms)
        if not decision.allowed:
            wait_ms = decision.reset_ms - to_ms(self.store.now())
            raise MeteorError("too-many-requests", "Error, too many requests. Please slow down. "
                              f"You must wait {math.ceil(wait_ms / 1000)} seconds before "
                              "trying again.", {"timeToReset": wait_ms})

    def _method(self, session: DdpSession, frame: dict[str, Any]) -> None:
        method_id = frame.get("id")
        handler = METHODS.get(str(frame.get("method")))
        reply: dict[str, Any] = {"msg": "result", "id": method_id}
        try:
            user = session.user
            if frame.get("method") == "sendMessage" and user is not None and not (
                self.store.has_permission(user, "send-many-messages")
            ):
                self._throttle((user.id, "sendMessage"), 5, 1000)
            if handler is None:
                raise MeteorError(404, f"Method '{frame.get('method')}' not found")
            params = frame.get("params") or []
            call = Call(self.store, session.user, from_ejson(params),
                        lambda user, token: self._login(session, user, token))
            result = handler(call)
            if result is not NO_RESULT:
                reply["result"] = to_ejson(result)
        except MeteorError as error:
            reply["error"] = error.to_ddp()
        except ServerError:
            # Meteor hides plain Errors behind a sanitized 500 (wrapInternalException)
            reply["error"] = INTERNAL_ERROR.to_ddp()
        except Exception:
            log.exception("DDP method %s failed", frame.get("method"))
            reply["error"] = INTERNAL_ERROR.to_ddp()
        session.send({"msg": "updated", "methods": [method_id]})
        session.send(reply)

    def _login(self, session: DdpSession, user: User, token: str) -> None:
        session.user, session.token = user, token

    def _subscribe(self, session: DdpSession, frame: dict[str, Any]) -> None:
        sub_id, name = str(frame.get("id")), str(frame.get("name"))
        if sub_id in session.subs:
            return  # Meteor ignores a duplicate sub id: no ready, no nosub
        params = frame.get("params") or []
        if name not in streams.STREAMS:
            error = MeteorError(404, f"Subscription '{name}' not found")
            session.send({"msg": "nosub", "id": sub_id, "error": error.to_ddp()})
            return
        event_name = str(params[0]) if params else ""
        try:
            # DDP_Rate_Limit_Connection_By_Method: 10 / 10 s, ×4 for `stream-*` names
            self._throttle((session.id, name), 40, 40000)
            streams.check_read(self.store, session.user, name, event_name)
        except MeteorError as error:
            session.send({"msg": "nosub", "id": sub_id, "error": error.to_ddp()})
            return
        options = params[1] if len(params) > 1 else False
        use_collection = options is True or (
            isinstance(options, dict) and options.get("useCollection") is True
        )
        if use_collection:
            session.send({"msg": "added", "collection": name, "id": "id",
                          "fields": {"eventName": event_name}})
        session.subs[sub_id] = StreamSub(sub_id, name, event_name)
        session.send({"msg": "ready", "subs": [sub_id]})

    def _on_event(self, event: Event) -> None:
        converted: streams.Converted = {}
        for session in list(self.sessions):
            if session.user is None:
                continue
            if isinstance(event, SubscriptionChanged) and event.action == "removed":
                self._forget_room(session, event)
            for stream, event_name, args in streams.route(self.store, session.user, event):
                wanted = sum(1 for sub in session.subs.values()
                             if sub.name == stream and sub.event_name == event_name)
                if wanted:  # nothing converted for a stream nobody here listens to
                    frame = streams.changed(stream, event_name, args, converted)
                    for _ in range(wanted):
                        session.send(frame)

    def _forget_room(self, session: DdpSession, event: SubscriptionChanged) -> None:
        """A user removed from a room silently loses its per-room subscriptions (no nosub)."""
        if session.user is None or event.user_id != session.user.id:
            return
        rid = event.subscription["rid"]
        for sub_id in [key for key, sub in session.subs.items() if sub.event_name == rid]:
            del session.subs[sub_id]

    async def drop_all(self) -> int:
        """A server restart: every socket closes, sessions and subscriptions are gone."""
        dropped = list(self.sessions)
        self.sessions.clear()
        for session in dropped:
            await session.ws.close(code=1001, message=b"server restart")
        return len(dropped)
