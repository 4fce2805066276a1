"""REST login/logout, bearer tokens, the login throttle and the board access checks.

Sources: W server/apiAuthRoutes.js, server/lib/loginAttemptThrottle.js,
server/apiMiddleware.js, server/authentication.js.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from .errors import WekanCrash, board_not_found, forbidden, json_result, unauthorized
from .ids import iso, login_token
from .models import Board, Member, User
from .store import WekanStore

routes = web.RouteTableDef()

STORE_KEY: web.AppKey[WekanStore] = web.AppKey("wekan_store", WekanStore)


@dataclass
class _Entry:
    window_start: datetime
    count: int = 0
    locked_until: datetime | None = None


@dataclass
class LoginThrottle:
    """Per-client failed-login counter: 10 failures in 60 s lock the client out for 60 s."""

    max_failures: int = 10
    window: timedelta = timedelta(seconds=60)
    lockout: timedelta = timedelta(seconds=60)
    entries: dict[str, _Entry] = field(default_factory=dict)

    def retry_after(self, key: str, now: datetime) -> int:
        """Seconds the key is still locked out for (0 when not locked)."""
        entry = self.entries.get(key)
        if entry and entry.locked_until and now < entry.locked_until:
            return math.ceil((entry.locked_until - now).total_seconds())
        return 0

    def failure(self, key: str, now: datetime) -> None:
        entry = self.entries.get(key)
        expired = entry is not None and (
            now - entry.window_start > self.window
            or (entry.locked_until is not None and now >= entry.locked_until)
        )
        if entry is None or expired:
            entry = _Entry(window_start=now)
        entry.count += 1
        if entry.count >= self.max_failures:
            entry.locked_until = now + self.lockout
        self.entries[key] = entry

    def success(self, key: str) -> None:
        self.entries.pop(key, None)


THROTTLE_KEY: web.AppKey[LoginThrottle] = web.AppKey("wekan_throttle", LoginThrottle)


async def read_body(request: web.Request) -> dict[str, Any]:
    """JSON or urlencoded body (bodyParser.json + urlencoded extended:false); never multipart."""
    if request.content_type == "application/json":
        try:
            data = await request.json()
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    if request.content_type == "application/x-www-form-urlencoded":
        return dict((await request.post()).items())
    return {}


def _match_error(options: dict[str, Any]) -> str | None:
    """`check(options, {username|email: String, password: String, code: Optional})`."""
    ident = "email" if options.get("email") else "username"
    allowed = {ident, "password", "code"}
    for key in options:
        if key not in allowed:
            return f"Match error: Unknown key in field {key}"
    for key in (ident, "password"):
        if key not in options:
            return f"Match error: Missing key '{key}'"
        if not isinstance(options[key], str):
            return f"Match error: Expected string, got {type(options[key]).__name__}"
    return None


def _login_failed(status: int, error: str, reason: str, retry_after: int = 0) -> web.Response:
    response = web.json_response({"error": error, "reason": reason}, status=status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


@routes.post("/users/login")
async def login(request: web.Request) -> web.Response:
    store, throttle = request.app[STORE_KEY], request.app[THROTTLE_KEY]
    key, now = request.remote or "unknown", store.clock()
    locked = throttle.retry_after(key, now)
    if locked:
        return _login_failed(
            429, "too-many-requests", "Too many failed login attempts. Try again later.", locked
        )
    options = await read_body(request)
    problem = _match_error(options)
    if problem:
        # A Match error is thrown before any password work and is not counted.
        return _login_failed(401, problem, problem)
    user = _find_login_user(store, options)
    if user is None or user.password is None or user.password != options["password"]:
        throttle.failure(key, now)
        return _login_failed(
            401, "login-failed", "Incorrect username, email address or password."
        )
    throttle.success(key)
    token = login_token()
    expires = now + timedelta(days=store.switches.token_lifetime_days)
    user.tokens[token] = expires
    return json_result({"id": user.id, "token": token, "tokenExpires": iso(expires)})


def _find_login_user(store: WekanStore, options: dict[str, Any]) -> User | None:
    if options.get("email"):
        return next((u for u in store.users.values() if u.email == options["email"]), None)
    return store.user_by_username(options["username"])


@routes.post("/users/logout")
async def logout(request: web.Request) -> web.Response:
    user, token = current_user(request), bearer_token(request)
    if user is None or token is None:
        return json_result({"error": "Unauthorized", "reason": "Unauthorized"}, 401)
    body = await read_body(request)
    revoke_all = body.get("all") in (True, "true")
    if revoke_all:
        user.tokens.clear()
    user.tokens.pop(token, None)
    if revoke_all:
        return json_result({"message": "All login tokens have been invalidated."})
    return json_result({"message": "You've been logged out!"})


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.query.get("access_token") or None


def current_user(request: web.Request) -> User | None:
    """`req.userId`: set when the token is known, silently absent otherwise."""
    token = bearer_token(request)
    return request.app[STORE_KEY].user_by_token(token) if token else None


# -- Authentication.* checks (W server/authentication.js) ----------------------------------
def check_logged_in(request: web.Request) -> User:
    user = current_user(request)
    if user is None:
        raise unauthorized()
    return user


def check_site_admin(request: web.Request) -> User:
    """`checkUserId`: 401 without a token, 403 unless `isAdmin`."""
    user = check_logged_in(request)
    if not user.is_admin:
        raise forbidden()
    return user


def find_board(request: web.Request, board_id: str) -> Board:
    store = request.app[STORE_KEY]
    board = store.boards.get(board_id)
    if board is None and store.legacy:
        # <= v9.66 read `board.members` of undefined: a TypeError that serializes to {}.
        raise WekanCrash("Cannot read properties of undefined (reading 'members')")
    if board is None:
        raise board_not_found()
    return board


def check_board(request: web.Request, board_id: str, need: str) -> tuple[User, Board]:
    """checkBoardAccess / checkBoardWriteAccess / checkBoardAdmin; site admins pass."""
    user = check_logged_in(request)
    board = find_board(request, board_id)
    member = board.member(user.id)
    if not (_member_allows(member, need) or user.is_admin):
        raise forbidden()
    return user, board


def _member_allows(member: Member | None, need: str) -> bool:
    if member is None:
        return False
    if need == "admin":
        return member.is_active and member.is_admin
    if need == "write":
        return member.can_write
    if need == "comment":
        return member.can_comment
    return member.can_read
