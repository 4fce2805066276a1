"""Chunked uploads v1/v2 under /remote.php/dav/uploads/<user>/<dir> (nc-py-api 0.30
files_async.py `__upload_stream`; Nextcloud 30 apps/dav/lib/Upload/ChunkingV2Plugin.php)."""

from __future__ import annotations

from aiohttp import web

from .middleware import account_of
from .state import NextcloudState, UploadSession, state_of
from .tree import TreeError, split_path
from .webdav import (
    DAV_ROOT,
    check_name,
    dav_error,
    destination_path,
    emit_written,
    node_headers,
)

routes = web.RouteTableDef()


def _chunk_order(name: str) -> tuple[int, str]:
    """v2 chunks are numbers, v1 chunks `%015d-%015d` byte ranges: both sort by start."""
    head = name.split("-", 1)[0]
    return (int(head) if head.isdigit() else 0, name)


def _session(state: NextcloudState, user: str, upload: str) -> UploadSession:
    session = state.uploads.get((user, upload))
    if session is None:
        raise TreeError(404, f"File with name {upload} could not be located")
    return session


async def _mkcol(request: web.Request, state: NextcloudState, user: str,
                 upload: str) -> web.Response:
    if (user, upload) in state.uploads:
        raise TreeError(405, "The resource you tried to create already exists")
    destination = None
    if "Destination" in request.headers:
        destination = destination_path(request, user)
    state.uploads[(user, upload)] = UploadSession(destination=destination)
    return web.Response(status=201)


async def _assemble(request: web.Request, state: NextcloudState, user: str,
                    upload: str) -> web.Response:
    session = _session(state, user, upload)
    target = destination_path(request, user)
    if session.destination is not None and session.destination != target:
        raise TreeError(400, "Destination does not match the upload's destination")
    parts = split_path(target)
    if not parts:
        raise TreeError(403, "Cannot overwrite the home folder")
    check_name(parts[-1])
    parent = state.tree.get(user, "/".join(parts[:-1]))
    if parent is None or not parent.is_dir:
        # The final MOVE is a Sabre MOVE: CorePlugin::httpMove calls
        # Server::getCopyAndMoveInfo first, which throws Conflict (409) "The destination node
        # is not found" for a missing parent, before any plugin sees the upload (sabre-io/dav
        # lib/DAV/CorePlugin.php httpMove, lib/DAV/Server.php getCopyAndMoveInfo).
        raise TreeError(409, "The destination node is not found")
    data = b"".join(session.chunks[k] for k in sorted(session.chunks, key=_chunk_order))
    node, created = state.tree.write(user, target, data)
    emit_written(state, user, node, created)
    # The server removes the upload folder itself; the client's DELETE then gets 404 [run].
    del state.uploads[(user, upload)]
    return web.Response(status=201 if created else 204, headers=node_headers(node))


@routes.route("*", DAV_ROOT + "/uploads/{user}/{upload}")
async def upload_dir(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    user, upload = request.match_info["user"], request.match_info["upload"]
    try:
        if user != account_of(request).uid:
            raise TreeError(404, "Upload folder not found")
        if request.method == "MKCOL":
            return await _mkcol(request, state, user, upload)
        if request.method == "DELETE":
            _session(state, user, upload)
            del state.uploads[(user, upload)]
            return web.Response(status=204)
        raise TreeError(405, f"{request.method} is not allowed on an upload folder")
    except TreeError as exc:
        return dav_error(request, exc.status, exc.message)


@routes.route("*", DAV_ROOT + "/uploads/{user}/{upload}/{chunk}")
async def upload_chunk(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    user, upload = request.match_info["user"], request.match_info["upload"]
    chunk = request.match_info["chunk"]
    try:
        if user != account_of(request).uid:
            raise TreeError(404, "Upload folder not found")
        if request.method == "PUT":
            _session(state, user, upload).chunks[chunk] = await request.read()
            return web.Response(status=201)
        if request.method == "MOVE" and chunk == ".file":
            return await _assemble(request, state, user, upload)
        raise TreeError(405, f"{request.method} is not allowed on a chunk")
    except TreeError as exc:
        return dav_error(request, exc.status, exc.message)
