"""Public link pages: /index.php/s/<token> and its /download (Nextcloud 30
apps/files_sharing/lib/Controller/ShareController.php)."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from urllib.parse import quote

from aiohttp import web

from .downloadlimit import count_download
from .shares import Share
from .state import state_of

routes = web.RouteTableDef()


def _live_share(request: web.Request) -> Share:
    share = state_of(request).shares.by_token(request.match_info["token"])
    if share is None or (share.expiration and share.expiration <= datetime.now(UTC).date()):
        raise web.HTTPNotFound(text="Share not found", content_type="text/html")
    return share


@routes.get("/index.php/s/{token}")
async def share_page(request: web.Request) -> web.Response:
    """A password-protected link redirects to its password page (303) [run]."""
    share = _live_share(request)
    if share.password_hash is not None:
        raise web.HTTPSeeOther(f"/index.php/s/{share.token}/authenticate/showShare")
    title = escape(share.node.name)
    return web.Response(text=f"<!DOCTYPE html><html><head><title>{title} - Nextcloud</title>"
                             f"</head><body><h1>{title}</h1></body></html>",
                        content_type="text/html")


@routes.get("/index.php/s/{token}/download")
async def share_download(request: web.Request) -> web.Response:
    share = _live_share(request)
    if share.password_hash is not None:
        raise web.HTTPSeeOther(f"/index.php/s/{share.token}/authenticate/downloadShare")
    if share.node.is_dir:
        raise web.HTTPNotImplemented(text="Folder download is not simulated")
    count_download(state_of(request), share)
    disposition = f"attachment; filename*=UTF-8''{quote(share.node.name)}"
    return web.Response(body=share.node.data, content_type=share.node.mime,
                        headers={"Content-Disposition": disposition})
