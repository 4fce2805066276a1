"""Uploads: rooms.media + rooms.mediaConfirm (7.x), rooms.upload (removed in 8.0)."""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, web

from sandbox.rocketchat.errors import MeteorError
from sandbox.rocketchat.rest.core import RestContext, route
from sandbox.rocketchat.state import uploads
from sandbox.rocketchat.state.models import Room


async def _multipart(request: web.Request) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The `file` part (name, type, content) and the other form fields."""
    if not request.content_type.startswith("multipart/"):
        return None, {}
    reader = await request.multipart()
    found: dict[str, Any] | None = None
    fields: dict[str, str] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "file":
            found = {"name": part.filename or "file", "content": await part.read(),
                     "type": part.headers.get("Content-Type", "application/octet-stream")}
        elif part.name:
            fields[part.name] = await part.text()
    return found, fields


def _room(ctx: RestContext) -> Room:
    room = ctx.store.rooms.get(ctx.param("rid"))
    if room is None or not ctx.store.can_access(room, ctx.user):
        raise MeteorError("error-not-allowed", "Not allowed")
    return room


async def _stage(ctx: RestContext) -> tuple[Room, Any, dict[str, str]]:
    room = _room(ctx)
    found, fields = await _multipart(ctx.request)
    if found is None:
        raise MeteorError("invalid-field", "[invalid-field]")
    upload = uploads.stage(ctx.store, ctx.user, room, name=found["name"], kind=found["type"],
                           content=found["content"])
    return room, upload, fields


@route("POST", "rooms.media/{rid}")
async def media(ctx: RestContext) -> dict[str, Any]:
    _, upload, _ = await _stage(ctx)
    return {"file": {"_id": upload.id, "url": upload.url}}


@route("POST", "rooms.mediaConfirm/{rid}/{fileId}")
async def media_confirm(ctx: RestContext) -> dict[str, Any]:
    room = _room(ctx)
    message = uploads.confirm(ctx.store, ctx.user, room, ctx.param("fileId"), ctx.body)
    return {"message": message}


@route("POST", "rooms.upload/{rid}")
async def upload(ctx: RestContext) -> dict[str, Any]:
    room, staged, fields = await _stage(ctx)
    return {"message": uploads.confirm(ctx.store, ctx.user, room, staged.id, fields)}
