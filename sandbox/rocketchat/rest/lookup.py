"""Room and user lookups with the exact errors of the v1 helpers (api/server/v1/*.ts)."""

from __future__ import annotations

from typing import Any

from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.rest.core import RestContext
from sandbox.rocketchat.state.models import Room, User

KIND_WORD = {"p": "group", "c": "channel"}


def _params(ctx: RestContext) -> dict[str, Any]:
    return ctx.body if ctx.request.method != "GET" else ctx.query


def room_by_id_or_name(ctx: RestContext, kind: str, *, check_archived: bool = False) -> Room:
    """findPrivateGroupByIdOrName / findChannelByIdOrName."""
    params = _params(ctx)
    key = params.get("roomId") or params.get("roomName")
    if not key:
        raise MeteorError("error-room-param-not-provided",
                          'The parameter "roomId" or "roomName" is required')
    room = ctx.store.find_room(str(key))
    visible = room is not None and room.t == kind and ctx.store.can_access(room, ctx.user)
    if room is None or not visible:
        raise MeteorError("error-room-not-found", 'The required "roomId" or "roomName" param '
                          f"provided does not match any {KIND_WORD[kind]}")
    if check_archived and room.archived:
        raise MeteorError("error-room-archived",
                          f"The private group, {room.name}, is archived")
    return room


def user_param(ctx: RestContext) -> User:
    params = _params(ctx)
    key = params.get("userId") or params.get("username")
    if not key:
        raise MeteorError("error-user-param-not-provided",
                          'The required "userId" or "username" param was not provided')
    user = ctx.store.find_user(str(key))
    if user is None:
        raise MeteorError("error-invalid-user", "The required \"userId\" or \"username\" "
                          "param provided does not match any users")
    return user
