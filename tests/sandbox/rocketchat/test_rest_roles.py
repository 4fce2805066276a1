"""roles.getUsersInRole as Rocket.Chat 7.x answers it (apps/meteor/app/api/server/v1/roles.ts)."""

from __future__ import annotations

import aiohttp

from bot.models import User
from integrations.rocketchat.settings import RocketChatSettings
from integrations.rocketchat.transport import RocketChatTransport
from sandbox.rocketchat import RocketChatSandbox

from .conftest import bot_headers


async def test_users_in_role_needs_access_permissions_and_pages(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    url = f"{sandbox.url}/api/v1/roles.getUsersInRole"
    async with http.get(url, params={"role": "crise"}, headers=bot_headers(sandbox)) as r:
        assert r.status == 400
        assert (await r.json())["errorType"] == "error-not-allowed"
    sandbox.state.store.granted.setdefault("bot", set()).add("access-permissions")
    async with http.get(url, headers=bot_headers(sandbox)) as r:
        assert (await r.json())["errorType"] == "error-param-not-provided"
    async with http.get(url, params={"role": "user", "count": "2", "offset": "1"},
                        headers=bot_headers(sandbox)) as r:
        body = await r.json()
    assert [u["username"] for u in body["users"]] == ["jean", "luc"]  # sorted by username
    assert body["total"] == 5 and set(body["users"][0]) == {
        "_id", "name", "username", "emails", "avatarETag"}
    env = sandbox.env()
    transport = RocketChatTransport(RocketChatSettings(
        url=env["ENSEMBLE_ROCKETCHAT__URL"], user_id=env["ENSEMBLE_ROCKETCHAT__USER_ID"],
        token=env["ENSEMBLE_ROCKETCHAT__TOKEN"]))
    try:
        holders: list[User] = await transport.users_with_role("crise")
    finally:
        await transport.close()
    assert [(u.username, u.roles) for u in holders] == [("sophie", frozenset({"crise"}))]
