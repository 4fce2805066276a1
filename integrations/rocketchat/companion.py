"""Requests of the companion Rocket.Chat App (rocketchat-app/ in this repository) into the bot.

The app registers the bot's commands as native slash commands and forwards each invocation,
signed (integrations.rocketchat.signature). This module reads the app's JSON, which is this
repository's own format (its fixtures are in tests/contract/rocketchat_app/, written by the
app's tests), into the core's `CommandInvoked`, and serves it on the bot's HTTP server: the
event goes through the one pipeline (dedupe on the trigger id, identity, permission, audit,
metrics, error answer) and the answer goes to the room through the usual REST path.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.errors import ServiceUnavailable
from bot.events import CommandInvoked
from bot.models import Room, User
from bot.ports import Clock
from bot.ports.calls import CallPort, CallRequest, UnknownCall
from bot.routes import Routes
from integrations.rocketchat import signature
from integrations.rocketchat.wire import ROOM_TYPES

log = logging.getLogger(__name__)
COMMAND_PATH = "/hooks/rocketchat-app/command"
# The app as the chat's video-conference provider: its generateUrl and customizeUrl.
CALL_PATH = "/hooks/rocketchat-app/call"
CALL_LINK_PATH = "/hooks/rocketchat-app/call-link"
MAX_BODY_BYTES = 16 * 1024
MAX_ID_LENGTH = 64
MAX_NAME_LENGTH = 200
_COMMAND_WORD = re.compile(r"^[\w-]{1,40}$")
Feed = Callable[[CommandInvoked], Awaitable[bool]]


class BadRequest(ValueError):
    """The body is not an invocation the app sends; the answer names what is wrong."""


def _text(raw: Any, key: str, limit: int, *, required: bool = True) -> str:
    value = raw.get(key) if isinstance(raw, dict) else None
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value) or len(value) > limit:
        raise BadRequest(f"{key}: a string of 1 to {limit} characters is expected")
    return value


def _room(raw: Any) -> Room:
    kind = ROOM_TYPES.get(_text(raw, "type", 2))
    if kind is None:  # livechat ("l") and others: no command there
        raise BadRequest("room.type: c, p or d is expected")
    return Room(_text(raw, "id", MAX_ID_LENGTH), _text(raw, "name", MAX_NAME_LENGTH), kind)


def _user(raw: Any) -> User:
    return User(
        id=_text(raw, "id", MAX_ID_LENGTH),
        username=_text(raw, "username", MAX_NAME_LENGTH),
        display_name=_text(raw, "name", MAX_NAME_LENGTH, required=False),
    )


def _arguments(raw: Any) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(word, str) for word in raw):
        raise BadRequest("arguments: a list of strings is expected")
    return [word for word in raw if word]


def invocation_from(payload: Any, clock: Clock) -> CommandInvoked:
    """The event of one forwarded slash command; BadRequest when the body is not one."""
    if not isinstance(payload, dict):
        raise BadRequest("a JSON object is expected")
    command = _text(payload, "command", 40)
    if not _COMMAND_WORD.match(command):
        raise BadRequest("command: one word is expected")
    trigger_id = _text(payload, "trigger_id", MAX_ID_LENGTH)
    thread_id = _text(payload, "thread_id", MAX_ID_LENGTH, required=False) or None
    line = " ".join(["/" + command, *_arguments(payload.get("arguments", []))])
    return CommandInvoked(
        message_id=f"app-{trigger_id}",
        user=_user(payload.get("user")),
        room=_room(payload.get("room")),
        text=line,
        timestamp=clock.now(),
        thread_id=thread_id,
        trigger_id=trigger_id,
    )


def call_from(payload: Any) -> CallRequest:
    """The call the chat is starting (the app's generateUrl)."""
    if not isinstance(payload, dict):
        raise BadRequest("a JSON object is expected")
    return CallRequest(
        call_id=_text(payload, "call_id", MAX_ID_LENGTH),
        room=_room(payload.get("room")),
        organizer=_user(payload.get("user")),
        title=_text(payload, "title", MAX_NAME_LENGTH, required=False),
    )


def joiner_from(payload: Any) -> tuple[str, User | None]:
    """The call and who joins it (the app's customizeUrl); nobody for an anonymous guest."""
    if not isinstance(payload, dict):
        raise BadRequest("a JSON object is expected")
    user = payload.get("user")
    return _text(payload, "call_id", MAX_ID_LENGTH), None if user is None else _user(user)


class CompanionEndpoint:
    """The aiohttp handlers of the app's calls: authenticate, read, hand to the pipeline."""

    def __init__(
        self, secret: str, clock: Clock, feed: Feed, calls: CallPort | None = None
    ) -> None:
        self._secret = secret.encode()
        self._clock = clock
        self._feed = feed
        self._calls = calls

    async def _signed_body(self, request: web.Request) -> bytes | None:
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return None
        body = await request.read()
        if len(body) > MAX_BODY_BYTES:
            return None
        if not signature.authentic(self._secret, request.headers, body, self._clock.now()):
            return None
        return body

    async def _payload(self, request: web.Request) -> Any:
        """The signed JSON; a refusal (401, 400) is raised as the response to give."""
        body = await self._signed_body(request)
        if body is None:
            log.warning("companion app request refused: unsigned, badly signed or stale")
            raise web.HTTPUnauthorized(text='{"error": "unauthorized"}',
                                       content_type="application/json")
        try:
            return json.loads(body)
        except ValueError as exc:
            raise _bad_request("invalid JSON") from exc

    async def command(self, request: web.Request) -> web.Response:
        payload = await self._payload(request)
        try:
            event = invocation_from(payload, self._clock)
        except BadRequest as exc:
            raise _bad_request(str(exc)) from exc
        # The answer (or the error's explanation) goes to the room; never an error here.
        handled = await self._feed(event)
        return web.json_response({"ok": True, "handled": handled})

    async def call(self, request: web.Request) -> web.Response:
        payload = await self._payload(request)
        try:
            call = call_from(payload)
        except BadRequest as exc:
            raise _bad_request(str(exc)) from exc
        return await self._url(lambda calls: calls.open_call(call))

    async def call_link(self, request: web.Request) -> web.Response:
        payload = await self._payload(request)
        try:
            call_id, user = joiner_from(payload)
        except BadRequest as exc:
            raise _bad_request(str(exc)) from exc
        return await self._url(lambda calls: calls.join_link(call_id, user))

    async def _url(self, ask: Callable[[CallPort], Awaitable[str]]) -> web.Response:
        if self._calls is None:
            return web.json_response({"error": "meetings are off on this bot"}, status=503)
        try:
            url = await ask(self._calls)
        except UnknownCall:
            return web.json_response({"error": "unknown call"}, status=404)
        except ServiceUnavailable as exc:  # Jitsi unset: the chat shows its own error
            return web.json_response({"error": f"{exc.service} unavailable"}, status=503)
        return web.json_response({"url": url})


def _bad_request(reason: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=json.dumps({"error": reason}), content_type="application/json")


def install_routes(routes: Routes, endpoint: CompanionEndpoint) -> None:
    routes.add_post(COMMAND_PATH, endpoint.command)
    routes.add_post(CALL_PATH, endpoint.call)
    routes.add_post(CALL_LINK_PATH, endpoint.call_link)

