"""Stream subscriptions and the events they carry: both message streams, re-emissions,
rooms-changed and subscriptions-changed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import aiohttp

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.state import rooms, seed
from tests.sandbox.rocketchat.conftest import RawDdp, bot_headers

Factory = Callable[[], Any]
ROOM = "stream-room-messages"


async def _ready(client: RawDdp, sub_id: str) -> None:
    await client.wait_for(lambda f: f.get("msg") == "ready" and f["subs"] == [sub_id])


async def _subscribed(client: RawDdp, name: str, *params: Any) -> str:
    sub_id = await client.sub(name, *params)
    await _ready(client, sub_id)
    return sub_id


async def _settle() -> None:
    await asyncio.sleep(0.05)


async def test_room_and_my_messages_frames_have_their_own_args(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    await _subscribed(bot_ddp, ROOM, "GENERAL", {"useCollection": False, "args": []})
    await _subscribed(bot_ddp, ROOM, "__my_messages__", {"useCollection": False, "args": []})
    posted = sandbox.state.post("alice", "general", "salut @marie").message
    assert posted is not None
    await bot_ddp.wait_for(lambda f: f.get("msg") == "changed"
                           and f["fields"]["eventName"] == "__my_messages__")
    per_room = bot_ddp.changed(ROOM, "GENERAL")[0]
    assert per_room["id"] == "id" and per_room["collection"] == ROOM
    (message,) = per_room["fields"]["args"]
    assert message["_id"] == posted["_id"]
    assert message["u"] == {"_id": sandbox.state.user_id("alice"), "username": "alice",
                            "name": "Alice Guy"}
    assert set(message["ts"]) == {"$date"} and set(message["_updatedAt"]) == {"$date"}
    assert message["mentions"][0]["username"] == "marie"
    assert message["md"] == [{"type": "PARAGRAPH",
                              "value": [{"type": "PLAIN_TEXT", "value": "salut @marie"}]}]
    mine = bot_ddp.changed(ROOM, "__my_messages__")[0]["fields"]["args"]
    assert mine[1] == {"roomParticipant": True, "roomType": "c", "roomName": "general"}


async def test_public_channel_without_the_bot_reaches_my_messages_as_non_participant(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    await _subscribed(bot_ddp, ROOM, "__my_messages__", False)
    sandbox.state.post("marie", "sans-bot", "entre nous")
    frame = await bot_ddp.wait_for(lambda f: f.get("msg") == "changed")
    assert frame["fields"]["args"][1]["roomParticipant"] is False


async def test_private_group_of_others_is_neither_delivered_nor_subscribable(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    secret = sandbox.state.create_room("secret", "p", ["marie", "jean"])
    await _subscribed(bot_ddp, ROOM, "__my_messages__", False)
    denied = await bot_ddp.sub(ROOM, secret.id, False)
    nosub = await bot_ddp.wait_for(lambda f: f.get("msg") == "nosub" and f["id"] == denied)
    assert nosub["error"]["error"] == "not-allowed"
    assert nosub["error"]["errorType"] == "Meteor.Error"
    sandbox.state.post("marie", "secret", "chut")
    await _settle()
    assert not [f for f in bot_ddp.frames if f.get("msg") == "changed"]


async def test_notify_user_of_someone_else_is_refused(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    other = sandbox.state.user_id("marie")
    sub_id = await bot_ddp.sub("stream-notify-user", f"{other}/rooms-changed", False)
    nosub = await bot_ddp.wait_for(lambda f: f.get("msg") == "nosub")
    assert nosub["id"] == sub_id and nosub["error"]["error"] == "not-allowed"


async def test_unknown_publication_empty_event_and_duplicate_ids(bot_ddp: RawDdp) -> None:
    unknown = await bot_ddp.sub("no-such-stream", "x")
    frame = await bot_ddp.wait_for(lambda f: f.get("msg") == "nosub" and f["id"] == unknown)
    assert frame["error"]["error"] == 404
    empty = await bot_ddp.sub(ROOM, "", False)
    frame = await bot_ddp.wait_for(lambda f: f.get("msg") == "nosub" and f["id"] == empty)
    assert frame["error"]["error"] == "invalid-event-name"
    ready = await _subscribed(bot_ddp, ROOM, "GENERAL", False)
    count = len(bot_ddp.frames)
    await bot_ddp.sub(ROOM, "GENERAL", False, sub_id=ready)
    await _settle()
    assert len(bot_ddp.frames) == count


async def test_use_collection_sends_added_before_ready(bot_ddp: RawDdp) -> None:
    sub_id = await bot_ddp.sub(ROOM, "__my_messages__", True)
    await _ready(bot_ddp, sub_id)
    added = [f for f in bot_ddp.frames if f.get("msg") == "added"]
    assert added == [{"msg": "added", "collection": ROOM, "id": "id",
                      "fields": {"eventName": "__my_messages__"}}]


async def test_unsub_answers_nosub_and_stops_events(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    sub_id = await _subscribed(bot_ddp, ROOM, "GENERAL", False)
    await bot_ddp.send({"msg": "unsub", "id": sub_id})
    assert await bot_ddp.wait_for(lambda f: f.get("msg") == "nosub") == {"msg": "nosub",
                                                                         "id": sub_id}
    sandbox.state.post("marie", "general", "plus personne")
    await _settle()
    assert not bot_ddp.changed(ROOM, "GENERAL")


async def test_two_subscriptions_to_one_room_deliver_twice(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    await _subscribed(bot_ddp, ROOM, "GENERAL", False)
    await _subscribed(bot_ddp, ROOM, "GENERAL", False)
    sandbox.state.post("marie", "general", "écho")
    await _settle()
    assert len(bot_ddp.changed(ROOM, "GENERAL")) == 2


async def test_edit_reaction_thread_reply_and_pin_re_emit_the_same_id(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    await _subscribed(bot_ddp, ROOM, "GENERAL", False)
    state = sandbox.state
    original = state.post("marie", "general", "/reunion").message
    assert original is not None
    mid = original["_id"]
    state.edit("marie", mid, "/reunion demain")
    state.react("jean", mid, ":+1:")
    state.post("jean", "general", "ok", tmid=mid)
    state.pin("admin", mid)
    await _settle()
    same = [f["fields"]["args"][0] for f in bot_ddp.changed(ROOM, "GENERAL")
            if f["fields"]["args"][0]["_id"] == mid]
    assert len(same) == 5
    assert "editedAt" in same[1] and same[1]["editedBy"]["username"] == "marie"
    assert same[2]["reactions"] == {":+1:": {"usernames": ["jean"]}}
    assert same[3]["tcount"] == 1 and set(same[3]["tlm"]) == {"$date"}
    assert set(same[3]["replies"]) == {state.user_id("marie"), state.user_id("jean")}
    assert same[4]["pinned"] is True
    kinds = [f["fields"]["args"][0].get("t") for f in bot_ddp.changed(ROOM, "GENERAL")]
    assert "message_pinned" in kinds


async def test_a_link_preview_fill_in_re_emits_the_same_id_without_editing_it(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    await _subscribed(bot_ddp, ROOM, "GENERAL", False)
    posted = sandbox.state.post("marie", "general", "!partage https://cloud.example.org/s/x")
    assert posted.message is not None
    mid = posted.message["_id"]
    await asyncio.sleep(0.2)  # the fill-in comes after the save, as RC's oembed callback does
    same = [f["fields"]["args"][0] for f in bot_ddp.changed(ROOM, "GENERAL")
            if f["fields"]["args"][0]["_id"] == mid]
    assert len(same) == 2
    assert "parsedUrl" not in same[0]["urls"][0]
    assert same[1]["urls"][0]["parsedUrl"]["hostname"] == "cloud.example.org"
    assert "editedAt" not in same[1]  # not an edit: a bot must still see it as a duplicate


async def test_deletion_arrives_on_notify_room_only(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    posted = sandbox.state.post("marie", "general", "oups").message
    assert posted is not None
    await _subscribed(bot_ddp, ROOM, "GENERAL", False)
    await _subscribed(bot_ddp, "stream-notify-room", "GENERAL/deleteMessage", False)
    sandbox.state.delete("marie", posted["_id"])
    frame = await bot_ddp.wait_for(lambda f: f.get("msg") == "changed")
    assert frame == {"msg": "changed", "collection": "stream-notify-room", "id": "id",
                     "fields": {"eventName": "GENERAL/deleteMessage",
                                "args": [{"_id": posted["_id"]}]}}
    await _settle()
    assert not bot_ddp.changed(ROOM, "GENERAL")


async def test_bot_rest_messages_come_back_on_its_stream(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    await _subscribed(bot_ddp, ROOM, "__my_messages__", False)
    async with http.post(f"{sandbox.url}/api/v1/chat.postMessage",
                         headers=bot_headers(sandbox),
                         json={"channel": "#general", "text": "je suis là"}) as response:
        assert response.status == 200
    frame = await bot_ddp.wait_for(lambda f: f.get("msg") == "changed")
    message = frame["fields"]["args"][0]
    assert message["u"]["username"] == seed.BOT_USERNAME and message["msg"] == "je suis là"


async def test_rooms_changed_inserted_on_invite_and_updated_on_message(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox, http: aiohttp.ClientSession
) -> None:
    uid = sandbox.state.user_id(seed.BOT_USERNAME)
    await _subscribed(bot_ddp, "stream-notify-user", f"{uid}/rooms-changed", False)
    await _subscribed(bot_ddp, "stream-notify-user", f"{uid}/subscriptions-changed", False)
    room = sandbox.state.create_room("cellule", "p", ["sophie"], owner="sophie")
    rooms.add_member(sandbox.state.store, room, sandbox.state.store.user(seed.BOT_USERNAME),
                     by=sandbox.state.store.user("sophie"))
    sandbox.state.post("sophie", "cellule", "bienvenue")
    await _settle()
    changes = [f["fields"]["args"] for f in bot_ddp.changed("stream-notify-user",
                                                            f"{uid}/rooms-changed")]
    assert changes[0][0] == "inserted" and changes[0][1]["_id"] == room.id
    assert changes[0][1]["t"] == "p"
    assert changes[-1][0] == "updated"
    assert changes[-1][1]["lastMessage"]["msg"] == "bienvenue"
    subs = [f["fields"]["args"] for f in bot_ddp.changed("stream-notify-user",
                                                         f"{uid}/subscriptions-changed")]
    assert subs[0][0] == "inserted" and subs[0][1]["rid"] == room.id


async def test_typing_reaches_notify_room_subscribers(
    ddp_factory: Factory, bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    await _subscribed(bot_ddp, "stream-notify-room", "GENERAL/user-activity", False)
    marie: RawDdp = await ddp_factory()
    await marie.connect()
    await marie.login_password("marie", seed.password_for("marie"))
    await marie.call("stream-notify-room", "GENERAL/user-activity", "marie",
                     ["user-typing"], {})
    frame = await bot_ddp.wait_for(lambda f: f.get("msg") == "changed")
    assert frame["fields"]["args"] == ["marie", ["user-typing"], {}]


async def test_restart_drops_sessions_but_tokens_still_resume(
    ddp_factory: Factory, bot_ddp: RawDdp, sandbox: RocketChatSandbox,
    http: aiohttp.ClientSession,
) -> None:
    async with http.post(f"{sandbox.url}/_sandbox/restart") as response:
        assert (await response.json())["dropped"] == 1
    await asyncio.wait_for(bot_ddp._reader, 2)
    assert bot_ddp.ws.closed
    again: RawDdp = await ddp_factory()
    connected = await again.connect()
    assert connected["session"] != ""
    assert "result" in await again.call("login", {"resume": sandbox.bot_token})


async def test_drop_websocket_after_n_frames(
    ddp_factory: Factory, sandbox: RocketChatSandbox
) -> None:
    sandbox.runtime.faults.update({"drop_websocket_after": 2})
    client: RawDdp = await ddp_factory()
    await client.send({"msg": "connect", "version": "1", "support": ["1"]})
    await asyncio.wait_for(client._reader, 2)
    assert [f.get("msg") for f in client.frames] == [None, "connected"]
