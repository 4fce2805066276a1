"""GET /file-upload/<id>/<name>: uploaded files, for room members only."""

from __future__ import annotations

from aiohttp import web

from sandbox.rocketchat.rest.auth import authenticate
from sandbox.rocketchat.runtime import RUNTIME_KEY

routes = web.RouteTableDef()


@routes.get("/file-upload/{file_id}/{name}")
async def download(request: web.Request) -> web.StreamResponse:
    store = request.app[RUNTIME_KEY].state.store
    upload = store.uploads.get(request.match_info["file_id"])
    if upload is None:
        raise web.HTTPNotFound()
    user, _ = authenticate(store, request)
    room = store.rooms.get(upload.rid)
    if user is None or room is None or not store.can_access(room, user):
        # FileUpload.requestCanAccessFiles failing → 403 with an empty body
        raise web.HTTPForbidden()
    disposition = f'attachment; filename="{upload.name}"'
    return web.Response(body=upload.content, content_type=upload.type,
                        headers={"Content-Disposition": disposition})
