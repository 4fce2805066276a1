"""Card rules of §3.1: create, silently ignored fields, PUT semantics, moves, archive."""

from __future__ import annotations

from .conftest import Wekan


def _path(wekan: Wekan, card: str = "", list_title: str = "À faire") -> str:
    b = wekan.board
    base = f"/api/boards/{b['id']}/lists/{b['lists'][list_title]}/cards"
    return f"{base}/{card}" if card else base


async def test_create_with_assignees_members_and_due_date(wekan: Wekan) -> None:
    token, marie = await wekan.token(), wekan.user_id("marie")
    card = await wekan.new_card(
        token,
        assignees=[marie],
        members=marie,
        dueAt="2026-03-03T13:00:00Z",
        description="Préfecture",
    )
    status, doc = await wekan.json("GET", _path(wekan, card), token)
    assert status == 200
    assert (doc["assignees"], doc["members"], doc["dueAt"]) == (
        [marie],
        [marie],
        "2026-03-03T13:00:00.000Z",
    )
    assert (doc["userId"], doc["cardNumber"], doc["sort"]) == (wekan.user_id("ensemble-bot"), 1, 0)
    assert doc["archived"] is False


async def test_non_members_and_author_id_are_silently_ignored(wekan: Wekan) -> None:
    token, sophie = await wekan.token(), wekan.user_id("sophie")
    card = await wekan.new_card(
        token, assignees=[sophie, wekan.user_id("jean")], authorId=sophie, dueAt="not a date"
    )
    _, doc = await wekan.json("GET", _path(wekan, card), token)
    assert doc["assignees"] == [wekan.user_id("jean")]
    assert doc["userId"] == wekan.user_id("ensemble-bot")
    assert "dueAt" not in doc


async def test_legacy_profile_requires_author_id_and_ignores_dates(wekan: Wekan) -> None:
    await wekan.control("switches", profile="legacy")
    token = await wekan.token()
    b = wekan.board
    status, ctype, text = await wekan.call(
        "POST", _path(wekan), token, json={"title": "x", "swimlaneId": b["swimlane_id"]}
    )
    assert (status, text) == (401, "")
    card = await wekan.new_card(
        token, authorId=wekan.user_id("ensemble-bot"), dueAt="2026-03-03T13:00:00Z"
    )
    _, doc = await wekan.json("GET", _path(wekan, card), token)
    assert "dueAt" not in doc


async def test_list_listing_hides_archived_and_omits_members(wekan: Wekan) -> None:
    token = await wekan.token()
    first = await wekan.new_card(token, title="un", members=[wekan.user_id("marie")])
    second = await wekan.new_card(token, title="deux")
    await wekan.json("PUT", _path(wekan, second), token, json={"archive": "true"})
    _, cards = await wekan.json("GET", _path(wekan), token)
    assert [c["_id"] for c in cards] == [first]
    assert "members" not in cards[0]
    assert cards[0]["swimlaneId"] == wekan.board["swimlane_id"]


async def test_move_by_list_id_puts_the_card_on_top(wekan: Wekan) -> None:
    token, b = await wekan.token(), wekan.board
    waiting = await wekan.new_card(token, title="déjà là", list_id=b["lists"]["En cours"])
    card = await wekan.new_card(token)
    status, data = await wekan.json(
        "PUT", _path(wekan, card), token, json={"listId": b["lists"]["En cours"]}
    )
    assert (status, data) == (200, {"_id": card})
    _, cards = await wekan.json("GET", _path(wekan, list_title="En cours"), token)
    assert [c["_id"] for c in cards] == [card, waiting]


async def test_put_on_a_wrong_list_id_is_a_silent_no_op(wekan: Wekan) -> None:
    token = await wekan.token()
    card = await wekan.new_card(token, title="avant")
    status, data = await wekan.json(
        "PUT", _path(wekan, card, "Fait"), token, json={"title": "après"}
    )
    assert (status, data) == (200, {"_id": card})
    _, doc = await wekan.json("GET", _path(wekan, card), token)
    assert doc["title"] == "avant"


async def test_moving_to_a_list_of_another_board_is_refused(wekan: Wekan) -> None:
    token = await wekan.token()
    card = await wekan.new_card(token)
    status, data = await wekan.json(
        "PUT", _path(wekan, card), token, json={"listId": "OtherBoardList000"}
    )
    assert status == 400
    assert data["error"].startswith("listId does not belong to this board.")


async def test_due_date_set_then_cleared_and_title_truncated(wekan: Wekan) -> None:
    token = await wekan.token()
    card = await wekan.new_card(token)
    await wekan.json(
        "PUT", _path(wekan, card), token, json={"dueAt": 1772618400000, "title": "x" * 1200}
    )
    _, doc = await wekan.json("GET", _path(wekan, card), token)
    assert (doc["dueAt"], len(doc["title"])) == ("2026-03-04T10:00:00.000Z", 1000)
    await wekan.json("PUT", _path(wekan, card), token, json={"dueAt": None})
    assert "dueAt" not in (await wekan.json("GET", _path(wekan, card), token))[1]


async def test_archive_route_and_card_by_id_sees_archived_cards(wekan: Wekan) -> None:
    token = await wekan.token()
    card = await wekan.new_card(token)
    status, data = await wekan.json("POST", f"{_path(wekan, card)}/archive", token)
    assert (status, data["archived"], data["archivedAt"]) == (
        200,
        True,
        "2026-03-02T09:00:00.000Z",
    )
    assert (await wekan.call("GET", _path(wekan, card), token))[2] == ""
    _, doc = await wekan.json("GET", f"/api/cards/{card}", token)
    assert doc["archived"] is True


async def test_delete_always_answers_the_id(wekan: Wekan) -> None:
    token = await wekan.token()
    card = await wekan.new_card(token)
    assert await wekan.json("DELETE", _path(wekan, card), token) == (200, {"_id": card})
    assert await wekan.json("DELETE", _path(wekan, "NoSuchCard0000000"), token) == (
        200,
        {"_id": "NoSuchCard0000000"},
    )
    assert (await wekan.json("GET", f"/api/cards/{card}", token))[0] == 404


async def test_cards_modified_at_follows_card_changes(wekan: Wekan) -> None:
    token, board_id = await wekan.token(), wekan.board["id"]
    wekan.clock.advance(minutes=10)
    await wekan.new_card(token)
    _, lists = await wekan.json("GET", f"/api/boards/{board_id}/lists", token)
    assert [x["cardsModifiedAt"] for x in lists] == ["2026-03-02T09:10:00.000Z", None, None]


async def test_comments_swimlane_cards_and_user_cards(wekan: Wekan) -> None:
    token, b, marie = await wekan.token(), wekan.board, wekan.user_id("marie")
    card = await wekan.new_card(token, assignees=[marie], dueAt="2026-03-05T08:00:00Z")
    status, created = await wekan.json(
        "POST",
        f"/api/boards/{b['id']}/cards/{card}/comments",
        token,
        json={"comment": "Fait ce matin"},
    )
    assert status == 200
    _, comments = await wekan.json("GET", f"/api/boards/{b['id']}/cards/{card}/comments", token)
    assert comments == [
        {
            "_id": created["_id"],
            "comment": "Fait ce matin",
            "authorId": wekan.user_id("ensemble-bot"),
        }
    ]
    _, lane_cards = await wekan.json(
        "GET", f"/api/boards/{b['id']}/swimlanes/{b['swimlane_id']}/cards", token
    )
    assert lane_cards[0]["listId"] == b["lists"]["À faire"]
    _, mine = await wekan.json("GET", "/api/user/cards?due=true", await wekan.token("marie"))
    assert [(c["_id"], c["dueAt"]) for c in mine] == [(card, "2026-03-05T08:00:00.000Z")]
    _, count = await wekan.json("GET", f"/api/boards/{b['id']}/cards_count", token)
    assert count == {"board_cards_count": 1}
