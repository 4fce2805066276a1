"""The bot against the faithful sandbox: kicked rooms, image thumbnails, DM membership."""

from __future__ import annotations

import asyncio
import base64

from bot.models import ChatEvent, Room, RoomType, User
from bot.testing import eventually
from integrations.rocketchat.wire import event_from_raw
from sandbox.rocketchat.state import seed
from tests.integrations.rocketchat.conftest import Chat, from_now
from tests.sandbox.rocketchat.png import png


async def test_a_public_channel_the_bot_was_kicked_from_is_no_longer_heard(chat: Chat) -> None:
    transport, sandbox = chat
    heard: list[ChatEvent] = []

    async def sink(event: ChatEvent) -> None:
        heard.append(event)

    await transport.start(sink, from_now)
    await eventually(lambda: transport.ready)
    assert transport.rooms.get("GENERAL") is not None
    sandbox.state.kick("admin", "general", seed.BOT_USERNAME)
    await eventually(lambda: transport.rooms.get("GENERAL") is None)
    sandbox.state.post("marie", "general", "!aide")
    sandbox.state.post("marie", "equipe-projet", "!aide")  # a marker that the bot listens
    await eventually(lambda: any(e.room.name == "equipe-projet" for e in heard))
    await asyncio.sleep(0.2)
    assert [e.room.name for e in heard] == ["equipe-projet"]


def test_an_uploaded_image_is_one_file_not_two(chat: Chat) -> None:
    _, sandbox = chat
    content = base64.b64encode(png(1200, 900)).decode()
    file = {"name": "photo.png", "type": "image/png", "content_base64": content}
    raw = sandbox.state.post("marie", "general", "", file=file).message
    assert raw is not None and len(raw["files"]) == 2  # the original and its thumbnail
    event = event_from_raw(raw, Room("GENERAL", "general", RoomType.CHANNEL))
    (only,) = event.files
    assert (only.name, only.mime_type) == ("photo.png", "image/png")
    assert only.url == f"/file-upload/{raw['files'][0]['_id']}/photo.png"


def test_a_thumbnail_from_a_server_without_type_groups_is_not_a_file_either() -> None:
    """6.x and early 7.x list the thumbnail as {_id, name, type, size, format} only
    (sendFileMessage.ts of that time): its `thumb-` name is all that tells it apart."""
    raw = {
        "_id": "m1", "rid": "GENERAL", "msg": "", "u": {"_id": "u1", "username": "marie"},
        "ts": "2026-03-02T09:00:00.000Z",
        "files": [
            {"_id": "f1", "name": "photo.png", "type": "image/png", "size": 9000},
            {"_id": "f2", "name": "thumb-photo.png", "type": "image/png", "size": 900},
        ],
        "attachments": [{"title": "photo.png", "title_link": "/file-upload/f1/photo.png",
                         "image_url": "/file-upload/f2/thumb-photo.png"}],
    }
    (only,) = event_from_raw(raw, Room("GENERAL", "general", RoomType.CHANNEL)).files
    assert (only.id, only.name, only.url) == ("f1", "photo.png", "/file-upload/f1/photo.png")


async def test_membership_of_a_direct_room(chat: Chat) -> None:
    transport, sandbox = chat
    sent = sandbox.state.direct_post("marie", seed.BOT_USERNAME, "bonjour").message
    assert sent is not None
    dm = sent["rid"]
    marie = User(sandbox.state.user_id("marie"), "marie", "Marie", frozenset({"user"}))
    jean = User(sandbox.state.user_id("jean"), "jean", "Jean", frozenset({"user"}))
    assert await transport.is_member(dm, marie)
    assert not await transport.is_member(dm, jean)
    members = await transport.room_members(dm)
    assert sorted(m.username for m in members) == [seed.BOT_USERNAME, "marie"]
