"""Login, bearer tokens, the login throttle and admin-only routes."""

from __future__ import annotations

from .conftest import Wekan

LOGIN_FAILED = {
    "error": "login-failed",
    "reason": "Incorrect username, email address or password.",
}


async def test_json_login_returns_id_token_and_expiry_in_90_days(wekan: Wekan) -> None:
    status, data = await wekan.json(
        "POST",
        "/users/login",
        json={
            "username": "ensemble-bot",
            "password": wekan.sandbox.env()["ENSEMBLE_WEKAN__PASSWORD"],
        },
    )
    assert status == 200
    assert data["id"] == wekan.user_id("ensemble-bot")
    assert len(data["token"]) == 43
    assert data["tokenExpires"] == "2026-05-31T09:00:00.000Z"


async def test_form_encoded_login_works_too(wekan: Wekan) -> None:
    status, data = await wekan.json(
        "POST", "/users/login", data={"username": "marie", "password": "agent-wekan-password"}
    )
    assert status == 200
    assert data["id"] == wekan.user_id("marie")


async def test_wrong_password_and_unknown_user_fail_the_same_way(wekan: Wekan) -> None:
    for body in (
        {"username": "marie", "password": "nope"},
        {"username": "nobody", "password": "nope"},
    ):
        status, data = await wekan.json("POST", "/users/login", json=body)
        assert (status, data) == (401, LOGIN_FAILED)


async def test_extra_key_is_a_match_error(wekan: Wekan) -> None:
    status, data = await wekan.json(
        "POST",
        "/users/login",
        json={"username": "marie", "password": "agent-wekan-password", "email": ""},
    )
    assert status == 401
    assert data["error"].startswith("Match error")
    assert data["reason"] == data["error"]


async def test_ten_failures_lock_the_client_out_for_a_minute(wekan: Wekan) -> None:
    bad = {"username": "marie", "password": "wrong"}
    for _ in range(10):
        assert (await wekan.json("POST", "/users/login", json=bad))[0] == 401
    async with wekan.http.post(
        f"{wekan.url}/users/login", json={"username": "marie", "password": "agent-wekan-password"}
    ) as r:
        assert r.status == 429
        assert r.headers["Retry-After"] == "60"
        assert (await r.json())["error"] == "too-many-requests"
    wekan.clock.advance(seconds=61)
    assert (
        await wekan.json(
            "POST", "/users/login", json={"username": "marie", "password": "agent-wekan-password"}
        )
    )[0] == 200


async def test_bearer_header_and_access_token_query_both_authenticate(wekan: Wekan) -> None:
    token = await wekan.token("marie")
    status, data = await wekan.json("GET", "/api/user", token)
    assert (status, data["username"]) == (200, "marie")
    assert "services" not in data
    assert data["boards"][0]["boardId"] == wekan.board["id"]
    status, data = await wekan.json("GET", f"/api/user?access_token={token}")
    assert data["username"] == "marie"


async def test_logout_revokes_the_token(wekan: Wekan) -> None:
    token = await wekan.token("marie")
    status, data = await wekan.json("POST", "/users/logout", token)
    assert (status, data) == (200, {"message": "You've been logged out!"})
    _, data = await wekan.json("GET", "/api/user", token)
    assert data["error"] == "Unauthorized"


async def test_expired_token_is_refused(wekan: Wekan) -> None:
    token = await wekan.token("marie")
    wekan.clock.advance(days=91)
    status, data = await wekan.json("GET", "/api/user", token)
    assert (status, data["statusCode"]) == (200, 401)


async def test_admin_only_routes(wekan: Wekan) -> None:
    agent, bot = await wekan.token("marie"), await wekan.token()
    status, data = await wekan.json("GET", "/api/users", agent)
    assert (status, data["error"], data["statusCode"]) == (200, "Forbidden", 403)
    status, data = await wekan.json("GET", "/api/users", bot)
    assert {"_id": wekan.user_id("jean"), "username": "jean"} in data
    status, data = await wekan.json("GET", "/api/users/jean", bot)
    assert (data["_id"], data["profile"]["fullname"]) == (wekan.user_id("jean"), "Jean Moulin")
    status, data = await wekan.json("GET", "/api/users/nobody", bot)
    assert (status, data) == (200, {})
