"""chat.* endpoints: shapes, validation and errors."""

from __future__ import annotations

from typing import Any

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.clock import to_iso
from sandbox.rocketchat.state import seed
from tests.sandbox.rocketchat.conftest import bot_headers, user_headers


async def _post(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession, endpoint: str,
    body: dict[str, Any], headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{sandbox.url}/api/v1/{endpoint}", json=body,
                         headers=headers or bot_headers(sandbox)) as response:
        return response.status, await response.json()


async def _get(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession, endpoint: str,
    params: dict[str, str],
) -> tuple[int, dict[str, Any]]:
    async with http.get(f"{sandbox.url}/api/v1/{endpoint}", params=params,
                        headers=bot_headers(sandbox)) as response:
        return response.status, await response.json()


BUTTONS = [{"text": "Choisir", "actions": [
    {"type": "button", "text": "Oui", "msg": "!reunion confirmer 1", "msg_in_chat_window": True},
    {"type": "button", "text": "Lien", "url": "https://example.org/x"}]}]


async def test_post_message_by_channel_name_with_buttons(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"channel": "#general", "text": "Réunion ?",
                                "attachments": BUTTONS})
    assert status == 200 and body["success"] is True
    assert body["channel"] == "#general" and isinstance(body["ts"], int)
    message = body["message"]
    assert message["rid"] == "GENERAL" and message["msg"] == "Réunion ?"
    assert message["attachments"][0]["actions"][0]["msg"] == "!reunion confirmer 1"
    assert message["ts"].endswith("Z") and len(message["_id"]) == 17


async def test_post_message_to_a_user_opens_the_dm(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"channel": "@marie", "text": "lien perso"})
    assert status == 200
    assert [m["msg"] for m in sandbox.state.dms("marie")] == ["lien perso"]
    assert body["message"]["rid"] == "".join(sorted(
        [sandbox.state.user_id("marie"), sandbox.state.user_id(seed.BOT_USERNAME)]))


async def test_post_message_validation_errors(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"channel": "#nowhere", "text": "x"})
    assert (status, body) == (400, {"success": False, "error": "[invalid-channel]",
                                    "errorType": "invalid-channel"})
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"roomId": "GENERAL", "text": "x", "blocks": []})
    assert status == 400
    assert body == {"success": False,
                    "error": "must NOT have additional properties [invalid-params]",
                    "errorType": "invalid-params"}
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"roomId": "GENERAL", "channel": "#general", "text": "x"})
    assert body["error"] == "must match exactly one schema in oneOf [invalid-params]"
    status, body = await _post(sandbox, http, "chat.postMessage", {"text": "x"})
    assert status == 400 and body["errorType"] == "invalid-params"


async def test_attachment_validation_uses_the_server_texts(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    bad_field = [{"fields": [{"title": "Quand"}]}]
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"roomId": "GENERAL", "attachments": bad_field})
    assert (status, body) == (400, {"success": False, "error":
                                    "Invalid attachment field, title and value is required"})
    script = [{"title_link": "javascript:alert(1)"}]
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"roomId": "GENERAL", "attachments": script})
    assert body["error"] == "Invalid href value provided"


async def test_alias_needs_impersonation(sandbox: RocketChatSandbox,
                                         http: aiohttp.ClientSession) -> None:
    status, _ = await _post(sandbox, http, "chat.postMessage",
                            {"roomId": "GENERAL", "text": "x", "alias": "Réunions"})
    assert status == 200
    marie = await user_headers(sandbox, http, "marie")
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"roomId": "GENERAL", "text": "x", "alias": "Bot"}, marie)
    assert (status, body["error"]) == (400, "Not enough permission")


async def test_send_message_keeps_the_client_id_and_rejects_a_duplicate(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    message = {"_id": "reply-to-abc-1", "rid": "GENERAL", "msg": "fait", "blocks": []}
    status, body = await _post(sandbox, http, "chat.sendMessage", {"message": message})
    assert status == 200 and body["message"]["_id"] == "reply-to-abc-1"
    status, body = await _post(sandbox, http, "chat.sendMessage", {"message": message})
    assert status == 400 and body["success"] is False
    assert len([m for m in sandbox.state.messages("general")
                if m["_id"] == "reply-to-abc-1"]) == 1
    status, body = await _post(sandbox, http, "chat.sendMessage", {"message": {"msg": "x"}})
    assert body["error"] == "must have required property 'rid' [invalid-params]"


async def test_thread_reply_via_send_message(sandbox: RocketChatSandbox,
                                             http: aiohttp.ClientSession) -> None:
    parent = sandbox.state.post("marie", "general", "/reunion").message
    assert parent is not None
    status, body = await _post(sandbox, http, "chat.sendMessage",
                               {"message": {"rid": "GENERAL", "msg": "lien",
                                            "tmid": parent["_id"]}})
    assert status == 200 and body["message"]["tmid"] == parent["_id"]
    assert sandbox.state.store.messages[parent["_id"]]["tcount"] == 1


async def test_update_get_and_delete(sandbox: RocketChatSandbox,
                                     http: aiohttp.ClientSession) -> None:
    _, body = await _post(sandbox, http, "chat.postMessage",
                          {"roomId": "GENERAL", "text": "v1"})
    mid = body["message"]["_id"]
    status, body = await _post(sandbox, http, "chat.update",
                               {"roomId": "GENERAL", "msgId": mid, "text": "v2"})
    assert status == 200 and body["message"]["msg"] == "v2" and "editedAt" in body["message"]
    status, body = await _get(sandbox, http, "chat.getMessage", {"msgId": mid})
    assert body["message"]["msg"] == "v2"
    # the bot role lacks delete-own-message (permissions.ts)
    status, body = await _post(sandbox, http, "chat.delete", {"roomId": "GENERAL",
                                                              "msgId": mid})
    assert (status, body["errorType"]) == (400, "error-action-not-allowed")
    sandbox.state.store.granted["bot"] = {"delete-own-message"}
    status, body = await _post(sandbox, http, "chat.delete", {"roomId": "GENERAL",
                                                              "msgId": mid})
    assert status == 200 and body["_id"] == mid and body["message"]["rid"] == "GENERAL"
    status, body = await _get(sandbox, http, "chat.getMessage", {"msgId": mid})
    assert status == 400


async def test_react_and_pin(sandbox: RocketChatSandbox, http: aiohttp.ClientSession) -> None:
    mid = sandbox.state.post("marie", "equipe-projet", "point").message
    assert mid is not None
    status, body = await _post(sandbox, http, "chat.react",
                               {"emoji": "white_check_mark", "messageId": mid["_id"]})
    assert (status, body) == (200, {"success": True})
    assert mid["reactions"] == {":white_check_mark:": {"usernames": [seed.BOT_USERNAME]}}
    status, body = await _post(sandbox, http, "chat.pinMessage", {"messageId": mid["_id"]})
    # pinMessage throws Meteor.Error('not-authorized') without `pin-message` (owner/moderator)
    assert (status, body["error"]) == (400, "Not Authorized [not-authorized]")
    sandbox.state.store.rooms[mid["rid"]].owners.add(sandbox.state.user_id(seed.BOT_USERNAME))
    status, body = await _post(sandbox, http, "chat.pinMessage", {"messageId": mid["_id"]})
    assert status == 200 and body["message"]["t"] == "message_pinned"
    assert mid["pinned"] is True


async def test_sync_messages_reports_updates_and_deletions(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    since = to_iso(sandbox.state.store.now())
    sandbox.state.store.clock.advance(1)
    kept = sandbox.state.post("marie", "general", "pendant la coupure").message
    gone = sandbox.state.post("marie", "general", "effacé").message
    assert kept and gone
    sandbox.state.delete("marie", gone["_id"])
    status, body = await _get(sandbox, http, "chat.syncMessages",
                              {"roomId": "GENERAL", "lastUpdate": since})
    assert status == 200
    assert [m["_id"] for m in body["result"]["updated"]] == [kept["_id"]]
    assert [d["_id"] for d in body["result"]["deleted"]] == [gone["_id"]]
    status, body = await _get(sandbox, http, "chat.syncMessages",
                              {"roomId": "GENERAL", "type": "UPDATED", "next": "0",
                               "count": "100"})
    assert kept["_id"] in [m["_id"] for m in body["result"]["updated"]]
    status, body = await _get(sandbox, http, "chat.syncMessages", {"roomId": "GENERAL"})
    assert status == 400


async def test_history_is_newest_first(sandbox: RocketChatSandbox,
                                       http: aiohttp.ClientSession) -> None:
    for text in ("a", "b", "c"):
        sandbox.state.store.clock.advance(1)
        sandbox.state.post("marie", "equipe-projet", text)
    status, body = await _get(sandbox, http, "groups.history",
                              {"roomId": sandbox.state.room_id("equipe-projet"), "count": "2"})
    assert [m["msg"] for m in body["messages"]] == ["c", "b"]


async def test_post_to_hash_channel_joins_it_but_room_id_does_not(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    secret = sandbox.state.create_room("secret", "p", ["marie"], owner="marie")
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"roomId": secret.id, "text": "x"})
    assert (status, body["error"]) == (400, "error-not-allowed")
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"roomId": "unknown-room", "text": "x"})
    assert body["errorType"] == "invalid-channel"
    status, body = await _post(sandbox, http, "chat.postMessage",
                               {"channel": "#sans-bot", "text": "me voilà"})
    assert status == 200
    assert [m.get("t") for m in sandbox.state.messages("sans-bot")] == ["uj", None]


async def test_a_read_only_room_takes_messages_from_post_readonly_holders_only(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    """validateRoomMessagePermissionsAsync: `ro` rooms need post-readonly (admin, owner,
    moderator by default); the bot role does not have it; the refusal is a plain Error."""
    room = sandbox.state.create_room("annonces", "p", ["marie", "jean", "ensemble-bot"],
                                     owner="marie", read_only=True)
    message = {"message": {"rid": room.id, "msg": "x"}}
    status, body = await _post(sandbox, http, "chat.sendMessage", message)
    assert (status, body) == (400, {"success": False, "error":
                                    "You can't send messages because the room is readonly."})
    jean = await user_headers(sandbox, http, "jean")
    assert (await _post(sandbox, http, "chat.sendMessage", message, jean))[0] == 400
    marie = await user_headers(sandbox, http, "marie")
    assert (await _post(sandbox, http, "chat.sendMessage", message, marie))[0] == 200
    room.moderators.add(sandbox.state.user_id("jean"))
    assert (await _post(sandbox, http, "chat.sendMessage", message, jean))[0] == 200


async def test_a_form_encoded_body_is_read_like_json(
    sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    # Rocket.Chat parses application/x-www-form-urlencoded (qs syntax) as well as JSON.
    form = {"message[_id]": "formencodedmsg01", "message[rid]": "GENERAL",
            "message[msg]": "posté en formulaire"}
    async with http.post(f"{sandbox.url}/api/v1/chat.sendMessage", data=form,
                         headers=bot_headers(sandbox)) as response:
        status, body = response.status, await response.json()
    assert status == 200 and body["success"] is True
    assert body["message"]["_id"] == "formencodedmsg01"
    assert [m["msg"] for m in sandbox.state.messages("GENERAL")][-1] == "posté en formulaire"
