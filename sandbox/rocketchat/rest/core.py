"""Route declarations shared by the REST modules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.rest.validation import Schema, validate
from sandbox.rocketchat.state.api import SandboxState
from sandbox.rocketchat.state.models import Room, User
from sandbox.rocketchat.state.store import Store


@dataclass
class RestContext:
    request: web.Request
    state: SandboxState
    user_or_none: User | None
    body: dict[str, Any] = field(default_factory=dict)
    token: str | None = None

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def user(self) -> User:
        assert self.user_or_none is not None, "route declared auth=True"
        return self.user_or_none

    @property
    def query(self) -> dict[str, str]:
        return dict(self.request.query)

    def param(self, name: str) -> str:
        return self.request.match_info[name]

    def room_by_id(self, rid: str) -> Room:
        room = self.store.rooms.get(rid)
        if room is None:
            raise MeteorError("error-room-not-found", "Room not found")
        return room


Handler = Callable[[RestContext], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Route:
    method: str
    name: str
    handler: Handler
    auth: bool = True
    body: Schema | None = None
    query: Schema | None = None
    rate_limit: int | None = None

    @property
    def path(self) -> str:
        return "/api/v1/" + self.name

    @property
    def limiter_key(self) -> str:
        return f"{self.method} {self.name}"

    def validated_body(self, raw: Any) -> dict[str, Any]:
        if self.body is None:
            return raw if isinstance(raw, dict) else {}
        return validate(self.body, raw)

    def validate_query(self, query: dict[str, str]) -> None:
        if self.query is not None:
            validate(self.query, query)


ROUTES: list[Route] = []


def route(
    method: str, name: str, *, auth: bool = True, body: Schema | None = None,
    query: Schema | None = None, rate_limit: int | None = None,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(method, name, handler, auth, body, query, rate_limit))
        return handler

    return register
