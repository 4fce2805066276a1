"""groups.*, channels.*, rooms.*, im.create, subscriptions.get, users.info."""

from __future__ import annotations

from typing import Any

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.state import seed
from tests.sandbox.rocketchat.conftest import bot_headers


async def _call(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession, method: str, endpoint: str,
    **kwargs: Any,
) -> tuple[int, dict[str, Any]]:
    async with http.request(method, f"{sandbox.url}/api/v1/{endpoint}",
                            headers=bot_headers(sandbox), **kwargs) as response:
        return response.status, await response.json()


async def test_crisis_room_life_cycle(sandbox: RocketChatSandbox,
                                      http: aiohttp.ClientSession) -> None:
    status, body = await _call(sandbox, http, "POST", "groups.create",
                               json={"name": "crise-inondation", "members": ["sophie"]})
    assert status == 200
    group = body["group"]
    assert group["t"] == "p" and group["name"] == "crise-inondation"
    assert group["u"]["username"] == seed.BOT_USERNAME and group["usersCount"] == 2
    rid = group["_id"]
    status, body = await _call(sandbox, http, "POST", "groups.invite",
                               json={"roomId": rid, "userId": sandbox.state.user_id("luc")})
    assert status == 200 and body["group"]["usersCount"] == 3
    status, body = await _call(sandbox, http, "POST", "groups.setTopic",
                               json={"roomName": "crise-inondation", "topic": "Crue"})
    assert body == {"topic": "Crue", "success": True}
    status, body = await _call(sandbox, http, "POST", "groups.kick",
                               json={"roomId": rid, "userId": sandbox.state.user_id("luc")})
    assert status == 200
    status, body = await _call(sandbox, http, "GET", "groups.info", params={"roomId": rid})
    assert body["group"]["topic"] == "Crue" and body["group"]["usersCount"] == 2
    status, body = await _call(sandbox, http, "POST", "groups.archive", json={"roomId": rid})
    assert body == {"success": True}
    status, body = await _call(sandbox, http, "POST", "groups.setTopic",
                               json={"roomId": rid, "topic": "x"})
    assert body["errorType"] == "error-room-archived"
    kinds = [m.get("t") for m in sandbox.state.messages(rid)]
    assert kinds == ["au", "room_changed_topic", "ru", "room-archived"]


async def test_group_name_rules(sandbox: RocketChatSandbox,
                                http: aiohttp.ClientSession) -> None:
    status, body = await _call(sandbox, http, "POST", "groups.create",
                               json={"name": "Cellule de crise"})
    assert (status, body["errorType"]) == (400, "error-invalid-room-name")
    assert body["error"] == "Cellule de crise is not a valid room name [error-invalid-room-name]"
    status, body = await _call(sandbox, http, "POST", "groups.create",
                               json={"name": "equipe-projet"})
    assert body["error"] == ("A channel with name 'equipe-projet' exists "
                             "[error-duplicate-channel-name]")
    status, body = await _call(sandbox, http, "POST", "groups.create",
                               json={"name": "ok", "topic": "not in schema"})
    assert body["errorType"] == "invalid-params"


async def test_group_management_needs_room_ownership(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    # equipe-projet is owned by admin: the bot is a plain member there
    status, body = await _call(sandbox, http, "POST", "groups.archive",
                               json={"roomName": "equipe-projet"})
    assert status == 403
    assert body == {"success": False, "error": "User does not have the permissions required "
                    "for this action [error-unauthorized]"}


async def test_info_endpoints_and_their_not_found_errors(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _call(sandbox, http, "GET", "channels.info",
                               params={"roomName": "general"})
    assert body["channel"]["_id"] == "GENERAL"
    status, body = await _call(sandbox, http, "GET", "channels.info",
                               params={"roomName": "equipe-projet"})
    assert body["error"] == ('The required "roomId" or "roomName" param provided does not '
                             "match any channel [error-room-not-found]")
    status, body = await _call(sandbox, http, "GET", "groups.info", params={})
    assert body["errorType"] == "error-room-param-not-provided"
    status, body = await _call(sandbox, http, "GET", "rooms.info",
                               params={"roomId": sandbox.state.room_id("equipe-projet")})
    assert body["room"]["t"] == "p"
    secret = sandbox.state.create_room("secret", "p", ["marie"])
    status, body = await _call(sandbox, http, "GET", "rooms.info", params={"roomId": secret.id})
    assert (status, body) == (400, {"success": False, "error": "not-allowed",
                                    "errorType": "Not Allowed"})


async def test_members_listing(sandbox: RocketChatSandbox,
                               http: aiohttp.ClientSession) -> None:
    status, body = await _call(sandbox, http, "GET", "groups.members",
                               params={"roomName": "equipe-projet", "count": "3"})
    assert body["total"] == 6 and body["count"] == 3 and len(body["members"]) == 3


async def test_members_filter_matches_username_or_name_in_any_case(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    """findUsersOfRoom: `filter` is an escaped, case-insensitive regex on username or name."""
    _, by_username = await _call(sandbox, http, "GET", "groups.members",
                                 params={"roomName": "equipe-projet", "filter": "MARIE"})
    assert [m["username"] for m in by_username["members"]] == ["marie"]
    assert by_username["total"] == 1
    _, by_name = await _call(sandbox, http, "GET", "groups.members",
                             params={"roomName": "equipe-projet", "filter": "curie"})
    assert [m["username"] for m in by_name["members"]] == ["marie"]
    _, nobody = await _call(sandbox, http, "GET", "groups.members",
                            params={"roomName": "equipe-projet", "filter": "ma.ie"})
    assert nobody["members"] == [] and nobody["total"] == 0  # a dot is a dot, not any char


async def test_users_info_hides_roles_of_others_without_permission(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _call(sandbox, http, "GET", "users.info",
                               params={"username": "sophie"})
    assert body["user"]["name"] == "Sophie Germain" and "roles" not in body["user"]
    sandbox.state.store.granted["bot"] = {"view-full-other-user-info"}
    status, body = await _call(sandbox, http, "GET", "users.info",
                               params={"userId": sandbox.state.user_id("sophie")})
    assert body["user"]["roles"] == ["user", "crise"]
    status, body = await _call(sandbox, http, "GET", "users.info", params={"username": "x"})
    assert (status, body) == (400, {"success": False, "error": "User not found."})


async def test_rooms_get_and_subscriptions_get(sandbox: RocketChatSandbox,
                                               http: aiohttp.ClientSession) -> None:
    status, body = await _call(sandbox, http, "GET", "rooms.get")
    assert {r.get("name") for r in body["update"]} == {"general", "equipe-projet"}
    assert body["remove"] == []
    status, body = await _call(sandbox, http, "GET", "subscriptions.get")
    names = {s["name"] for s in body["update"]}
    assert names == {"general", "equipe-projet"}
    assert all(s["u"]["username"] == seed.BOT_USERNAME for s in body["update"])


async def test_im_create_returns_the_room_with_rid(sandbox: RocketChatSandbox,
                                                   http: aiohttp.ClientSession) -> None:
    status, body = await _call(sandbox, http, "POST", "im.create", json={"username": "alice"})
    room = body["room"]
    assert room["t"] == "d" and room["rid"] == room["_id"]
    assert sorted(room["usernames"]) == ["alice", seed.BOT_USERNAME]
    status, again = await _call(sandbox, http, "POST", "im.create",
                                json={"username": "alice"})
    assert again["room"]["_id"] == room["_id"]
    status, body = await _call(sandbox, http, "POST", "im.create", json={"username": "ghost"})
    assert status == 400
