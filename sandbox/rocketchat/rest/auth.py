"""Who is calling: X-User-Id + X-Auth-Token (login token or PAT), ApiClass authenticatedRoute."""

from __future__ import annotations

from aiohttp import web

from sandbox.rocketchat.state.models import User
from sandbox.rocketchat.state.store import Store


def _credentials(request: web.Request) -> tuple[str | None, str | None]:
    user_id = request.headers.get("X-User-Id")
    token = request.headers.get("X-Auth-Token")
    if user_id and token:
        return user_id, token
    # /file-upload also accepts the web client's cookies or rc_uid/rc_token query params
    for source in (request.cookies, request.query):
        if source.get("rc_uid") and source.get("rc_token"):
            return source["rc_uid"], source["rc_token"]
    return None, None


def authenticate(store: Store, request: web.Request) -> tuple[User | None, str | None]:
    user_id, token = _credentials(request)
    if not user_id or not token:
        return None, None
    user = store.user_for_token(token)
    if user is None or user.id != user_id or not user.active:
        return None, None
    return user, token
