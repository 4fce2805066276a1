"""REST auth, login, error shapes, rate limiter and faults."""

from __future__ import annotations

import hashlib

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.state import seed
from tests.sandbox.rocketchat.conftest import bot_headers, user_headers


async def test_missing_or_wrong_credentials_get_the_7x_401_body(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    expected = {"success": False, "error": "You must be logged in to do this.",
                "status": "error", "message": "You must be logged in to do this."}
    async with http.get(f"{sandbox.url}/api/v1/me") as response:
        assert response.status == 401
        assert await response.json() == expected
    wrong = {**bot_headers(sandbox), "X-Auth-Token": "forged"}
    async with http.get(f"{sandbox.url}/api/v1/me", headers=wrong) as response:
        assert response.status == 401


async def test_pat_authenticates_me(sandbox: RocketChatSandbox,
                                    http: aiohttp.ClientSession) -> None:
    async with http.get(f"{sandbox.url}/api/v1/me", headers=bot_headers(sandbox)) as response:
        body = await response.json()
    assert body["success"] is True
    assert body["username"] == seed.BOT_USERNAME and body["roles"] == ["bot"]
    assert body["settings"] == {"profile": {}, "preferences": {}}


async def test_login_with_plain_and_digest_password(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    digest = hashlib.sha256(seed.password_for("jean").encode()).hexdigest()
    for password in (seed.password_for("jean"), {"digest": digest, "algorithm": "sha-256"}):
        async with http.post(f"{sandbox.url}/api/v1/login",
                             json={"user": "jean", "password": password}) as response:
            body = await response.json()
        assert body["status"] == "success"
        assert body["data"]["userId"] == sandbox.state.user_id("jean")
        assert body["data"]["me"]["username"] == "jean"
    headers = {"X-User-Id": body["data"]["userId"], "X-Auth-Token": body["data"]["authToken"]}
    async with http.get(f"{sandbox.url}/api/v1/me", headers=headers) as response:
        assert response.status == 200


async def test_login_failures_are_401(sandbox: RocketChatSandbox,
                                      http: aiohttp.ClientSession) -> None:
    async with http.post(f"{sandbox.url}/api/v1/login",
                         json={"user": "jean", "password": "bad"}) as response:
        assert response.status == 401
        assert await response.json() == {"success": False, "status": "error", "error": 403,
                                         "message": "Incorrect password"}
    async with http.post(f"{sandbox.url}/api/v1/login",
                         json={"user": "ghost", "password": "x"}) as response:
        body = await response.json()
        assert (body["error"], body["message"]) == ("Unauthorized", "Unauthorized")


async def test_logout_revokes_the_login_token(sandbox: RocketChatSandbox,
                                              http: aiohttp.ClientSession) -> None:
    headers = await user_headers(sandbox, http, "luc")
    async with http.post(f"{sandbox.url}/api/v1/logout", headers=headers) as response:
        assert (await response.json())["data"]["message"] == "You've been logged out!"
    async with http.get(f"{sandbox.url}/api/v1/me", headers=headers) as response:
        assert response.status == 401


async def test_unknown_endpoint_is_404(sandbox: RocketChatSandbox,
                                       http: aiohttp.ClientSession) -> None:
    async with http.get(f"{sandbox.url}/api/v1/nope.nope",
                        headers=bot_headers(sandbox)) as response:
        assert response.status == 404
        assert await response.json() == {"success": False, "error": "Resource not found"}


async def test_a_rest_endpoint_answers_only_its_declared_method(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    """A HEAD on a GET endpoint, like any undeclared method, gets the catch-all 404."""
    async with http.head(f"{sandbox.url}/api/v1/me", headers=bot_headers(sandbox)) as response:
        assert response.status == 404
    async with http.post(f"{sandbox.url}/api/v1/me", headers=bot_headers(sandbox)) as response:
        assert response.status == 404
        assert await response.json() == {"success": False, "error": "Resource not found"}


async def test_rate_limiter_10_per_minute_per_route_with_headers(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    headers = await user_headers(sandbox, http, "marie")
    remaining = []
    for _ in range(10):
        async with http.get(f"{sandbox.url}/api/v1/me", headers=headers) as response:
            assert response.status == 200
            assert response.headers["X-RateLimit-Limit"] == "10"
            remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    assert remaining == list(range(9, -1, -1))
    async with http.get(f"{sandbox.url}/api/v1/me", headers=headers) as response:
        assert response.status == 429
        body = await response.json()
        reset = int(response.headers["X-RateLimit-Reset"])
    assert body["success"] is False
    assert body["error"].startswith("Error, too many requests. Please slow down. You must wait ")
    assert body["error"].endswith(" seconds before trying this endpoint again. "
                                  "[error-too-many-requests]")
    assert reset > 0
    # another route has its own budget
    async with http.get(f"{sandbox.url}/api/v1/rooms.get", headers=headers) as response:
        assert response.status == 200
    # the window closes after 60 s of the sandbox clock
    sandbox.state.store.clock.advance(61)
    async with http.get(f"{sandbox.url}/api/v1/me", headers=headers) as response:
        assert response.status == 200


async def test_bot_role_bypasses_the_limiter(sandbox: RocketChatSandbox,
                                             http: aiohttp.ClientSession) -> None:
    for _ in range(15):
        async with http.get(f"{sandbox.url}/api/v1/me",
                            headers=bot_headers(sandbox)) as response:
            assert response.status == 200
            assert "X-RateLimit-Limit" not in response.headers


async def test_rate_limit_storm_and_5xx_faults(sandbox: RocketChatSandbox,
                                               http: aiohttp.ClientSession) -> None:
    async with http.post(f"{sandbox.url}/_sandbox/faults",
                         json={"rate_limit_storm": True}) as response:
        assert (await response.json())["rate_limit_storm"] is True
    async with http.get(f"{sandbox.url}/api/v1/me", headers=bot_headers(sandbox)) as response:
        assert response.status == 429
        assert response.headers["X-RateLimit-Remaining"] == "0"
    sandbox.runtime.faults.update({"rate_limit_storm": False, "error_ratio": 1.0})
    async with http.get(f"{sandbox.url}/api/v1/me", headers=bot_headers(sandbox)) as response:
        assert response.status == 500
    async with http.post(f"{sandbox.url}/_sandbox/faults", json={"bogus": 1}) as response:
        assert response.status == 400
