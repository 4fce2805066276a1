"""Assembles the aiohttp application: DDP, REST, file downloads and the control API."""

from __future__ import annotations

from aiohttp import web

from sandbox import server
from sandbox.rocketchat import avatars, control, files
from sandbox.rocketchat.rest import app as rest
from sandbox.rocketchat.runtime import RUNTIME_KEY, Runtime

MAX_REQUEST_BYTES = 1024 * 1024 * 1024

routes = web.RouteTableDef()


@routes.get("/websocket")
@routes.get("/sockjs/websocket")
async def _websocket(request: web.Request) -> web.StreamResponse:
    return await request.app[RUNTIME_KEY].ddp.handle(request)


@routes.get("/api/info")
async def _info(request: web.Request) -> web.Response:
    return web.json_response({"version": "7.13.0", "success": True})


def build_app(runtime: Runtime) -> web.Application:
    # aiohttp refuses bodies above 1 MiB (413) by default; Rocket.Chat takes files up to
    # FileUpload_MaxFileSize (100 MiB by default) and checks that setting itself (see
    # state/uploads.stage). This cap only bounds the transport, base64 of the control
    # API included.
    app = server.build_app(
        (routes, rest.routes, files.routes, avatars.routes, control.routes),
        max_body=MAX_REQUEST_BYTES,
    )
    app[RUNTIME_KEY] = runtime
    app[rest.REST_KEY] = runtime.rest
    return app
