"""Board lifecycle: create, list, get, members, copy, delete, lists and swimlanes (§3.1)."""

from __future__ import annotations

from .conftest import Wekan


async def test_created_board_has_default_swimlane_and_no_lists(wekan: Wekan) -> None:
    token = await wekan.token()
    status, data = await wekan.json("POST", "/api/boards", token, json={"title": "Crise 1"})
    assert status == 200
    board_id, lane_id = data["_id"], data["defaultSwimlaneId"]
    assert len(board_id) == 17
    _, board = await wekan.json("GET", f"/api/boards/{board_id}", token)
    assert (board["permission"], board["color"], board["labels"]) == ("private", "belize", [])
    # owner omitted: W >= v9.69 falls back to the caller, forced admin and active
    assert board["members"][0]["userId"] == wekan.user_id("ensemble-bot")
    assert board["members"][0]["isAdmin"] is True
    _, lanes = await wekan.json("GET", f"/api/boards/{board_id}/swimlanes", token)
    assert lanes == [{"_id": lane_id, "title": "Default"}]
    assert (await wekan.json("GET", f"/api/boards/{board_id}/lists", token))[1] == []


async def test_board_listing_is_membership_based(wekan: Wekan) -> None:
    marie = await wekan.token("marie")
    _, boards = await wekan.json("GET", f"/api/users/{wekan.user_id('marie')}/boards", marie)
    assert boards == [{"_id": wekan.board["id"], "title": "Équipe projet"}]
    admin = await wekan.token("admin")
    _, boards = await wekan.json("GET", f"/api/users/{wekan.user_id('admin')}/boards", admin)
    assert boards == []  # site admin grants nothing here
    _, data = await wekan.json("GET", f"/api/users/{wekan.user_id('admin')}/boards", marie)
    assert data["statusCode"] == 403


async def test_member_add_needs_action_add(wekan: Wekan) -> None:
    token, board_id, luc = await wekan.token(), wekan.board["id"], wekan.user_id("luc")
    path = f"/api/boards/{board_id}/members/{luc}/add"
    status, echoed = await wekan.json("POST", path, token, json={"role": "normal"})
    assert (status, echoed["_id"], echoed["username"]) == (200, luc, "luc")
    _, board = await wekan.json("GET", f"/api/boards/{board_id}", token)
    assert luc not in [m["userId"] for m in board["members"]]
    status, data = await wekan.json("POST", path, token, json={"action": "add", "role": "normal"})
    assert (status, data) == (200, [{"_id": board_id, "title": "Équipe projet"}])
    luc_token = await wekan.token("luc")
    assert (await wekan.json("GET", f"/api/boards/{board_id}", luc_token))[1]["_id"] == board_id


async def test_member_add_errors(wekan: Wekan) -> None:
    board_id, luc = wekan.board["id"], wekan.user_id("luc")
    path = f"/api/boards/{board_id}/members/{luc}/add"
    assert await wekan.json("POST", path, json={"action": "add"}) == (
        401,
        {"error": "Unauthorized"},
    )
    assert await wekan.json("POST", path, await wekan.token("marie"), json={"action": "add"}) == (
        403,
        {"error": "Only a board admin can add board members"},
    )
    assert await wekan.json(
        "POST", path, await wekan.token(), json={"action": "add", "role": "boss"}
    ) == (400, {"error": "invalid role: boss"})


async def test_copy_gives_a_unique_title_and_copies_lists_and_hooks(wekan: Wekan) -> None:
    token, board_id = await wekan.token(), wekan.board["id"]
    await wekan.control("switches", allow_private_webhooks=True)
    await wekan.json(
        "POST",
        f"/api/boards/{board_id}/integrations",
        token,
        json={"url": "http://127.0.0.1:9/hook"},
    )
    status, new_id = await wekan.json("POST", f"/api/boards/{board_id}/copy", token, json={})
    assert status == 200
    assert isinstance(new_id, str)
    _, board = await wekan.json("GET", f"/api/boards/{new_id}", token)
    assert board["title"] == "Équipe projet [1]"
    _, lists = await wekan.json("GET", f"/api/boards/{new_id}/lists", token)
    assert [x["title"] for x in lists] == ["À faire", "En cours", "Fait"]
    _, hooks = await wekan.json("GET", f"/api/boards/{new_id}/integrations", token)
    assert [h["url"] for h in hooks] == ["http://127.0.0.1:9/hook"]
    _, again = await wekan.json("POST", f"/api/boards/{board_id}/copy", token, json={})
    assert (await wekan.json("GET", f"/api/boards/{again}", token))[1]["title"] == (
        "Équipe projet [2]"
    )


async def test_delete_board_answers_its_id_and_removes_it(wekan: Wekan) -> None:
    token = await wekan.token()
    _, created = await wekan.json("POST", "/api/boards", token, json={"title": "Temp"})
    status, data = await wekan.json("DELETE", f"/api/boards/{created['_id']}", token)
    assert (status, data) == (200, {"_id": created["_id"]})
    _, data = await wekan.json("GET", f"/api/boards/{created['_id']}", token)
    assert data["error"] == "NotFound"


async def test_archived_board_leaves_the_listing(wekan: Wekan) -> None:
    await wekan.control("ui/archive-board", username="ensemble-bot", board_id=wekan.board["id"])
    marie = await wekan.token("marie")
    _, boards = await wekan.json("GET", f"/api/users/{wekan.user_id('marie')}/boards", marie)
    assert boards == []


async def test_list_creation_and_modified_at(wekan: Wekan) -> None:
    token, board_id = await wekan.token(), wekan.board["id"]
    status, created = await wekan.json(
        "POST", f"/api/boards/{board_id}/lists", token, json={"title": "Bloqué"}
    )
    assert status == 200
    _, lists = await wekan.json("GET", f"/api/boards/{board_id}/lists", token)
    assert lists[-1] == {
        "_id": created["_id"],
        "title": "Bloqué",
        "modifiedAt": "2026-03-02T09:00:00.000Z",
        "cardsModifiedAt": None,
    }
    wekan.clock.advance(minutes=5)
    status, _ = await wekan.json(
        "PUT", f"/api/boards/{board_id}/lists/{created['_id']}", token, json={"title": "Bloqué !"}
    )
    assert status == 200
    _, lists = await wekan.json("GET", f"/api/boards/{board_id}/lists", token)
    assert (lists[-1]["title"], lists[-1]["modifiedAt"]) == (
        "Bloqué !",
        "2026-03-02T09:05:00.000Z",
    )


async def test_labels_put_returns_the_label_id(wekan: Wekan) -> None:
    token, board_id = await wekan.token(), wekan.board["id"]
    status, label_id = await wekan.json(
        "PUT",
        f"/api/boards/{board_id}/labels",
        token,
        json={"label": {"name": "urgent", "color": "red"}},
    )
    assert status == 200
    assert len(label_id) == 6
    _, same = await wekan.json(
        "PUT",
        f"/api/boards/{board_id}/labels",
        token,
        json={"label": {"name": "urgent", "color": "red"}},
    )
    assert same == label_id
