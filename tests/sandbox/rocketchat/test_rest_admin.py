"""The administration calls of a first set-up answer as Rocket.Chat 7.x does: a personal
access token needs the password re-typed (2FA fallback) and a role that may create one; only
privileged accounts change permissions and settings."""

from __future__ import annotations

import hashlib

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.state import seed
from tests.sandbox.rocketchat.conftest import user_headers


async def _post(http: aiohttp.ClientSession, sandbox: RocketChatSandbox, name: str,
                headers: dict[str, str], body: dict[str, object]) -> tuple[int, dict[str, object]]:
    async with http.post(f"{sandbox.url}/api/v1/{name}", json=body, headers=headers) as answer:
        return answer.status, await answer.json()


async def test_a_personal_access_token_needs_the_password_again(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    admin = await user_headers(sandbox, http, "admin")  # logs in with the seeded password
    status, created = await _post(http, sandbox, "users.create", admin, {
        "username": "robot", "name": "Robot", "email": "robot@example.org",
        "password": seed.password_for("robot"), "roles": ["bot", "user"]})
    assert status == 200, created
    robot = await user_headers(sandbox, http, "robot")

    body = {"tokenName": "ensemble", "bypassTwoFactor": True}
    status, refused = await _post(http, sandbox, "users.generatePersonalAccessToken", robot, body)
    assert (status, refused["errorType"]) == (400, "totp-required")
    nope = hashlib.sha256(b"nope").hexdigest()
    wrong = {**robot, "x-2fa-code": nope, "x-2fa-method": "password"}
    status, refused = await _post(http, sandbox, "users.generatePersonalAccessToken", wrong, body)
    assert (status, refused["errorType"]) == (400, "totp-invalid")

    code = hashlib.sha256(seed.password_for("robot").encode()).hexdigest()
    right = {**robot, "x-2fa-code": code, "x-2fa-method": "password"}
    status, token = await _post(http, sandbox, "users.generatePersonalAccessToken", right, body)
    assert status == 200, token
    status, again = await _post(http, sandbox, "users.generatePersonalAccessToken", right, body)
    assert (status, again["errorType"]) == (400, "error-token-already-exists")
    pat = {"X-User-Id": robot["X-User-Id"], "X-Auth-Token": str(token["token"])}
    async with http.get(f"{sandbox.url}/api/v1/me", headers=pat) as answer:
        assert (await answer.json())["username"] == "robot"


async def test_the_bot_role_alone_may_not_create_a_token(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    admin = await user_headers(sandbox, http, "admin")
    await _post(http, sandbox, "users.create", admin, {
        "username": "botonly", "name": "B", "email": "b@example.org",
        "password": seed.password_for("botonly"), "roles": ["bot"]})
    bot = await user_headers(sandbox, http, "botonly")
    code = hashlib.sha256(seed.password_for("botonly").encode()).hexdigest()
    headers = {**bot, "x-2fa-code": code, "x-2fa-method": "password"}
    status, refused = await _post(http, sandbox, "users.generatePersonalAccessToken", headers,
                                  {"tokenName": "t"})
    assert (status, refused["errorType"]) == (400, "not-authorized")


async def test_only_an_admin_changes_permissions_and_settings(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    marie = await user_headers(sandbox, http, "marie")
    admin = await user_headers(sandbox, http, "admin")
    grant = {"permissions": [{"_id": "view-full-other-user-info", "roles": ["admin", "bot"]}]}
    status, _ = await _post(http, sandbox, "permissions.update", marie, grant)
    assert status == 403
    status, _ = await _post(http, sandbox, "permissions.update", admin, grant)
    assert status == 200
    bot = sandbox.state.store.user("ensemble-bot")
    assert sandbox.state.store.has_permission(bot, "view-full-other-user-info")

    setting = "settings/Message_AllowUnrecognizedSlashCommand"
    status, _ = await _post(http, sandbox, setting, marie, {"value": True})
    assert status == 403
    status, _ = await _post(http, sandbox, setting, admin, {"value": True})
    assert status == 200
    async with http.get(f"{sandbox.url}/api/v1/{setting}", headers=admin) as answer:
        assert (await answer.json())["value"] is True


async def test_a_user_without_a_valid_email_is_refused(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    admin = await user_headers(sandbox, http, "admin")
    status, refused = await _post(http, sandbox, "users.create", admin, {
        "username": "sans-mail", "name": "S", "email": "nope", "password": "pw-sans-mail"})
    assert (status, refused["errorType"]) == (400, "error-invalid-email")
    assert sandbox.state.store.find_user("sans-mail") is None
