"""GET /avatar/<username>: the account's uploaded avatar, else the initials placeholder
Rocket.Chat draws (apps/meteor/server/routes/avatar/user.js, renderSVGLetters in utils.js)."""

from __future__ import annotations

from html import escape

from aiohttp import web

from sandbox.rocketchat.runtime import RUNTIME_KEY

routes = web.RouteTableDef()


@routes.get("/avatar/{username}")
async def avatar(request: web.Request) -> web.Response:
    store = request.app[RUNTIME_KEY].state.store
    user = store.find_user(request.match_info["username"])
    if user is not None and user.avatar is not None:
        return web.Response(body=user.avatar, content_type=user.avatar_type,
                            headers={"ETag": f'"{user.avatar_etag}"'})
    initial = escape((request.match_info["username"][:1] or "?").upper())
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">'
           '<rect width="100%" height="100%" fill="#05A2C2"/>'
           f'<text x="50%" y="50%" dy="0.36em" text-anchor="middle" fill="#ffffff" '
           f'font-size="100">{initial}</text></svg>')
    return web.Response(text=svg, content_type="image/svg+xml")
