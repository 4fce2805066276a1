"""The JSON export of a board, with W's access rules (models/export.js)."""

from __future__ import annotations

from .conftest import Wekan


async def test_export_needs_the_login_token_of_someone_who_sees_the_board(wekan: Wekan) -> None:
    path = f"/api/boards/{wekan.board['id']}/export"
    bot = await wekan.token()
    status, doc = await wekan.json("GET", f"{path}?authToken={bot}&attachments=false")
    assert status == 200
    assert doc["_format"] == "wekan-board-1.0.0" and doc["_id"] == wekan.board["id"]
    assert {x["title"] for x in doc["lists"]} == {"À faire", "En cours", "Fait"}
    assert all("boardId" not in x for x in doc["lists"] + doc["cards"] + doc["swimlanes"])
    assert all(set(u) == {"_id", "username", "profile"} for u in doc["users"])
    assert "stars" not in doc
    # A Bearer header is not enough unless the caller is a site admin (the bot is one).
    marie = await wekan.token("marie")
    assert (await wekan.call("GET", path, marie))[:3:2] == (403, "")
    assert (await wekan.json("GET", f"{path}?authToken={marie}"))[0] == 200
    assert (await wekan.json("GET", path, bot))[0] == 200
    outsider = await wekan.token("alice")
    assert (await wekan.call("GET", f"{path}?authToken={outsider}"))[0] == 403
    assert await wekan.json("GET", "/api/boards/NoSuchBoard000000/export") == (
        404, {"error": "Not found"}
    )
