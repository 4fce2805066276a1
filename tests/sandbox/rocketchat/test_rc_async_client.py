"""The real rocketchat-async 4.3.0 client against the sandbox."""

from __future__ import annotations

import asyncio
from typing import Any

from rocketchat_async import RocketChat

from sandbox.rocketchat import RocketChatSandbox
from sandbox.rocketchat.state import seed


async def test_resume_with_personal_access_token_subscribe_and_receive(
    sandbox: RocketChatSandbox,
) -> None:
    client = RocketChat()
    await client.resume(sandbox.ws_url, seed.BOT_USERNAME, sandbox.bot_token)
    assert client.user_id == sandbox.state.user_id(seed.BOT_USERNAME)
    received: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
    await client.subscribe_to_channel_messages(
        "__my_messages__", lambda *args: received.put_nowait(args))
    await asyncio.sleep(0.05)  # the library never waits for `ready`
    posted = sandbox.state.post("marie", "general", "/reunion demain 14h")
    channel_id, sender_id, msg_id, thread_id, text, qualifier, unread, repeated = (
        await asyncio.wait_for(received.get(), 2))
    assert (channel_id, msg_id, text) == ("GENERAL", posted.message["_id"] if posted.message
                                          else None, "/reunion demain 14h")
    assert sender_id == sandbox.state.user_id("marie")
    assert (thread_id, qualifier, unread, repeated) == (None, None, False, False)
    channels = await client.get_channels()
    assert ("GENERAL", "c") in channels
    client._ws_connection_task.cancel()


async def test_password_login_and_send_message_echoes_on_own_stream(
    sandbox: RocketChatSandbox,
) -> None:
    client = RocketChat()
    await client.start(sandbox.ws_url, "marie", seed.password_for("marie"))
    received: asyncio.Queue[str] = asyncio.Queue()
    room_id = sandbox.state.room_id("equipe-projet")
    await client.subscribe_to_channel_messages(
        room_id, lambda rid, uid, mid, tmid, msg, *rest: received.put_nowait(msg))
    await asyncio.sleep(0.05)
    await client.send_message("bonjour", room_id)
    assert await asyncio.wait_for(received.get(), 2) == "bonjour"
    await client.send_typing_event(room_id)
    client._ws_connection_task.cancel()


async def test_library_reactions_to_bad_credentials(sandbox: RocketChatSandbox) -> None:
    """Password errors raise RuntimeError(reason); a bad resume fails with KeyError (§1.4)."""
    client = RocketChat()
    try:
        await client.start(sandbox.ws_url, "marie", "wrong")
    except RuntimeError as error:
        assert str(error) == "Incorrect password"
    else:
        raise AssertionError("login should have failed")
    finally:
        client._ws_connection_task.cancel()
    other = RocketChat()
    try:
        await other.resume(sandbox.ws_url, "marie", "bogus-token")
    except KeyError as error:
        assert error.args == ("result",)
    else:
        raise AssertionError("resume should have failed")
    finally:
        other._ws_connection_task.cancel()
