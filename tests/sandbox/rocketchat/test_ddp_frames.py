"""DDP framing: handshake, heartbeat, login, method results and errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.clock import to_ms
from sandbox.rocketchat.ids import UNMISTAKABLE_CHARS
from sandbox.rocketchat.state import seed
from tests.sandbox.rocketchat.conftest import RawDdp

Factory = Callable[[], Any]


async def test_first_frame_is_server_id_then_connected_with_a_session(
    ddp_factory: Factory,
) -> None:
    client: RawDdp = await ddp_factory()
    first = await client.wait_for(lambda f: True)
    assert first == {"server_id": "0"}
    connected = await client.connect()
    assert set(connected) == {"msg", "session"}
    assert len(connected["session"]) == 17
    assert set(connected["session"]) <= set(UNMISTAKABLE_CHARS)


async def test_unsupported_version_fails(ddp_factory: Factory) -> None:
    client: RawDdp = await ddp_factory()
    await client.send({"msg": "connect", "version": "9", "support": ["9"]})
    assert await client.wait_for(lambda f: f.get("msg") == "failed") == {
        "msg": "failed", "version": "1"}


async def test_frames_before_connect_are_refused(ddp_factory: Factory) -> None:
    client: RawDdp = await ddp_factory()
    await client.send({"msg": "ping", "id": "p"})
    error = await client.wait_for(lambda f: f.get("msg") == "error")
    assert error["reason"] == "Must connect first"


async def test_ping_is_answered_with_pong_echoing_the_id(ddp_factory: Factory) -> None:
    client: RawDdp = await ddp_factory()
    await client.connect()
    await client.send({"msg": "ping", "id": "abc"})
    assert await client.wait_for(lambda f: f.get("msg") == "pong") == {"msg": "pong",
                                                                         "id": "abc"}
    await client.send({"msg": "ping"})
    await client.wait_for(lambda f: f == {"msg": "pong"})


async def test_password_digest_login_result_shape(
    ddp_factory: Factory, sandbox: RocketChatSandbox
) -> None:
    client: RawDdp = await ddp_factory()
    await client.connect()
    reply = await client.login_password("marie", seed.password_for("marie"))
    result = reply["result"]
    assert result["id"] == sandbox.state.user_id("marie")
    assert result["type"] == "password"
    assert set(result["tokenExpires"]) == {"$date"}
    assert isinstance(result["tokenExpires"]["$date"], int)
    assert any(f == {"msg": "updated", "methods": [reply["id"]]} for f in client.frames)
    # the token issued by DDP login authenticates REST calls too
    assert sandbox.state.store.user_for_token(result["token"]) is not None


async def test_wrong_password_gives_the_meteor_error_shape(ddp_factory: Factory) -> None:
    client: RawDdp = await ddp_factory()
    await client.connect()
    reply = await client.login_password("marie", "nope")
    assert reply["error"] == {"isClientSafe": True, "error": 403, "reason": "Incorrect password",
                              "message": "Incorrect password [403]",
                              "errorType": "Meteor.Error"}
    unknown = await client.login_password("nobody", "x")
    assert unknown["error"]["reason"] == "User not found"


async def test_unknown_resume_token_is_logged_out(ddp_factory: Factory) -> None:
    client: RawDdp = await ddp_factory()
    await client.connect()
    reply = await client.call("login", {"resume": "not-a-token"})
    assert "result" not in reply
    assert reply["error"]["reason"] == (
        "You've been logged out by the server. Please log in again.")
    assert reply["error"]["error"] == 403


async def test_resume_with_pat_returns_the_same_token(bot_ddp: RawDdp,
                                                      sandbox: RocketChatSandbox) -> None:
    reply = await bot_ddp.call("login", {"resume": sandbox.bot_token})
    assert reply["result"]["token"] == sandbox.bot_token
    assert reply["result"]["type"] == "resume"


async def test_unknown_method_is_404(bot_ddp: RawDdp) -> None:
    reply = await bot_ddp.call("no/such")
    assert reply["error"]["error"] == 404
    assert reply["error"]["message"] == "Method 'no/such' not found [404]"


async def test_methods_need_login(ddp_factory: Factory) -> None:
    client: RawDdp = await ddp_factory()
    await client.connect()
    reply = await client.call("sendMessage", {"rid": "GENERAL", "msg": "x"})
    assert reply["error"]["error"] == "error-invalid-user"
    assert reply["error"]["details"] == {"method": "sendMessage"}


async def test_method_without_return_value_has_no_result_key(bot_ddp: RawDdp) -> None:
    reply = await bot_ddp.call("stream-notify-room", "GENERAL/user-activity", "ensemble-bot",
                               ["user-typing"], {})
    assert reply == {"msg": "result", "id": reply["id"]}


async def test_server_pings_when_idle_and_closes_without_pong(ddp_factory: Factory) -> None:
    client: RawDdp = await ddp_factory()  # the fixture's heartbeat is 0.3 s / 0.3 s
    await client.connect()
    await client.wait_for(lambda f: f == {"msg": "ping"}, timeout=2)
    await asyncio.wait_for(client._reader, 2)
    assert client.ws.closed


def _nth_ping(client: RawDdp, wanted: int) -> Callable[[dict[str, Any]], bool]:
    def seen(frame: dict[str, Any]) -> bool:
        return frame == {"msg": "ping"} and sum(
            f == {"msg": "ping"} for f in client.frames) >= wanted

    return seen


async def test_answering_pings_keeps_the_session(ddp_factory: Factory) -> None:
    client: RawDdp = await ddp_factory()
    await client.connect()
    for round_ in range(3):
        await client.wait_for(_nth_ping(client, round_ + 1))
        await client.send({"msg": "pong"})
    assert sum(f == {"msg": "ping"} for f in client.frames) == 3
    assert not client.ws.closed


async def test_rooms_get_returns_an_array_without_date_and_a_diff_with_date(
    bot_ddp: RawDdp,
) -> None:
    rooms = (await bot_ddp.call("rooms/get"))["result"]
    assert isinstance(rooms, list)
    names = {room.get("name") for room in rooms}
    assert {"general", "equipe-projet"} <= names
    assert "sans-bot" not in names
    assert all(set(room["_updatedAt"]) == {"$date"} for room in rooms)
    diff = (await bot_ddp.call("rooms/get", {"$date": 0}))["result"]
    assert set(diff) == {"update", "remove"}
    assert len(diff["update"]) == len(rooms)


async def test_send_message_with_existing_id_returns_nothing(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    first = await bot_ddp.call("sendMessage", {"_id": "fixed-id-1", "rid": "GENERAL",
                                               "msg": "un"})
    assert first["result"]["_id"] == "fixed-id-1"
    again = await bot_ddp.call("sendMessage", {"_id": "fixed-id-1", "rid": "GENERAL",
                                               "msg": "deux"})
    assert "result" not in again and "error" not in again
    assert sandbox.state.store.messages["fixed-id-1"]["msg"] == "un"


async def test_send_message_to_a_room_without_access_is_not_allowed(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    # canSendMessage needs room access, not a subscription (a public channel would do)
    secret = sandbox.state.create_room("secret", "p", ["marie"], owner="marie")
    reply = await bot_ddp.call("sendMessage", {"rid": secret.id, "msg": "x"})
    assert reply["error"]["error"] == "error-not-allowed"


async def test_other_send_errors_are_swallowed_into_an_ephemeral(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    uid = sandbox.state.user_id(seed.BOT_USERNAME)
    await bot_ddp.sub("stream-notify-user", f"{uid}/message", False)
    await bot_ddp.wait_for(lambda f: f.get("msg") == "ready")
    sandbox.state.update_settings({"Message_MaxAllowedSize": 3})
    reply = await bot_ddp.call("sendMessage", {"rid": "GENERAL", "msg": "trop long"})
    assert "error" not in reply and "result" not in reply
    frame = await bot_ddp.wait_for(lambda f: f.get("msg") == "changed")
    assert frame["fields"]["args"][0]["msg"] == "Message size exceeds Message_MaxAllowedSize"


async def test_load_missed_messages_newest_first(
    bot_ddp: RawDdp, sandbox: RocketChatSandbox
) -> None:
    start = sandbox.state.store.now()
    sandbox.state.store.clock.advance(1)
    first = sandbox.state.post("marie", "general", "un").message
    sandbox.state.store.clock.advance(1)
    second = sandbox.state.post("jean", "general", "deux").message
    assert first and second
    reply = await bot_ddp.call("loadMissedMessages", "GENERAL", {"$date": to_ms(start)})
    assert [m["_id"] for m in reply["result"]] == [second["_id"], first["_id"]]
    hidden = await bot_ddp.call("loadMissedMessages", sandbox.state.room_id("sans-bot"),
                                {"$date": 0})
    assert hidden["result"] is not False  # public channel: readable with view-c-room


async def test_send_message_limiter_spares_the_bot_but_not_users(
    ddp_factory: Factory, bot_ddp: RawDdp
) -> None:
    for index in range(7):
        reply = await bot_ddp.call("sendMessage", {"rid": "GENERAL", "msg": f"b{index}"})
        assert "result" in reply
    marie: RawDdp = await ddp_factory()
    await marie.connect()
    await marie.login_password("marie", seed.password_for("marie"))
    replies = [await marie.call("sendMessage", {"rid": "GENERAL", "msg": f"m{index}"})
               for index in range(6)]
    assert all("result" in reply for reply in replies[:5])
    error = replies[5]["error"]
    assert error["error"] == "too-many-requests"
    assert error["reason"].startswith("Error, too many requests. Please slow down. You must wait")
    assert error["details"]["timeToReset"] <= 1000


async def test_more_than_40_stream_subscriptions_per_connection_are_refused(
    bot_ddp: RawDdp,
) -> None:
    for _ in range(41):
        last = await bot_ddp.sub("stream-room-messages", "GENERAL", False)
    nosub = await bot_ddp.wait_for(lambda f: f.get("msg") == "nosub" and f["id"] == last)
    assert nosub["error"]["error"] == "too-many-requests"
