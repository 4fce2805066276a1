"""Wekan's four error envelopes, route by route."""

from __future__ import annotations

from .conftest import Wekan

UNAUTHORIZED = {
    "isClientSafe": True,
    "error": "Unauthorized",
    "reason": "Unauthorized",
    "message": "Unauthorized [Unauthorized]",
    "errorType": "Meteor.Error",
    "statusCode": 401,
}


async def test_unauthenticated_board_get_is_http_200_with_a_meteor_error(wekan: Wekan) -> None:
    status, data = await wekan.json("GET", f"/api/boards/{wekan.board['id']}")
    assert (status, data) == (200, UNAUTHORIZED)


async def test_non_member_gets_forbidden_in_a_200(wekan: Wekan) -> None:
    status, data = await wekan.json(
        "GET", f"/api/boards/{wekan.board['id']}/lists", await wekan.token("sophie")
    )
    assert (status, data["error"], data["statusCode"]) == (200, "Forbidden", 403)


async def test_unknown_board_is_a_serialized_404_in_a_200(wekan: Wekan) -> None:
    status, data = await wekan.json("GET", "/api/boards/NoSuchBoard000000", await wekan.token())
    assert status == 200
    assert (data["error"], data["reason"], data["statusCode"]) == (
        "NotFound",
        "Board not found",
        404,
    )


async def test_legacy_unknown_board_is_an_empty_object(wekan: Wekan) -> None:
    await wekan.control("switches", profile="legacy")
    status, data = await wekan.json("GET", "/api/boards/NoSuchBoard000000", await wekan.token())
    assert (status, data) == (200, {})


async def test_empty_card_put_is_404_message_error(wekan: Wekan) -> None:
    token = await wekan.token()
    card = await wekan.new_card(token)
    b = wekan.board
    status, data = await wekan.json(
        "PUT",
        f"/api/boards/{b['id']}/lists/{b['lists']['À faire']}/cards/{card}",
        token,
        json={"unknownField": 1},
    )
    assert (status, data) == (404, {"message": "Error"})


async def test_unknown_card_and_list_get_are_200_with_an_empty_body(wekan: Wekan) -> None:
    token, b = await wekan.token(), wekan.board
    lst = b["lists"]["À faire"]
    for path in (
        f"/api/boards/{b['id']}/lists/{lst}/cards/NoSuchCard0000000",
        f"/api/boards/{b['id']}/lists/NoSuchList0000000",
    ):
        status, ctype, text = await wekan.call("GET", path, token)
        assert (status, text) == (200, "")
        assert ctype != "application/json"


async def test_card_create_without_swimlane_is_a_non_json_500(wekan: Wekan) -> None:
    b = wekan.board
    status, ctype, text = await wekan.call(
        "POST",
        f"/api/boards/{b['id']}/lists/{b['lists']['À faire']}/cards",
        await wekan.token(),
        json={"title": "x"},
    )
    assert (status, ctype) == (500, "text/html")
    assert "Internal Server Error" in text


async def test_unauthenticated_card_listing_is_an_html_401(wekan: Wekan) -> None:
    b = wekan.board
    status, ctype, _ = await wekan.call(
        "GET", f"/api/boards/{b['id']}/lists/{b['lists']['À faire']}/cards"
    )
    assert (status, ctype) == (401, "text/html")


async def test_unknown_route_is_the_html_app_shell_with_200(wekan: Wekan) -> None:
    status, ctype, text = await wekan.call("GET", "/api/no/such/route", await wekan.token())
    assert (status, ctype) == (200, "text/html")
    assert "<html>" in text


async def test_disabled_api_answers_403_text_or_301_in_legacy(wekan: Wekan) -> None:
    await wekan.control("switches", api_enabled=False)
    status, ctype, text = await wekan.call("GET", "/api/user")
    assert (status, ctype) == (403, "text/plain")
    assert "WeKan API is disabled" in text
    assert (
        await wekan.json(
            "POST", "/users/login", json={"username": "marie", "password": "agent-wekan-password"}
        )
    )[0] == 200
    await wekan.control("switches", profile="legacy")
    status, _, _ = await wekan.call("GET", "/api/user")
    assert status == 301


async def test_card_by_id_and_comments_use_real_status_codes(wekan: Wekan) -> None:
    token, b = await wekan.token(), wekan.board
    status, data = await wekan.json("GET", "/api/cards/NoSuchCard0000000", token)
    assert (status, data) == (404, {"error": "Card not found"})
    card = await wekan.new_card(token)
    status, data = await wekan.json(
        "POST", f"/api/boards/{b['id']}/cards/{card}/comments", token, json={}
    )
    assert (status, data) == (400, {"error": "Missing required parameter: comment"})
    status, data = await wekan.json("GET", f"/api/boards/{b['id']}/cards/{card}/comments")
    assert (status, data) == (401, {"error": "Unauthorized"})


async def test_responses_carry_no_store_headers(wekan: Wekan) -> None:
    async with wekan.http.get(f"{wekan.url}/api/user") as r:
        assert r.headers["Cache-Control"] == "no-store"
        assert r.headers["Pragma"] == "no-cache"


async def test_fault_switch_turns_api_calls_into_503(wekan: Wekan) -> None:
    await wekan.control("faults", error_ratio=1.0)
    status, _, _ = await wekan.call("GET", "/api/user", await wekan.token())
    assert status == 503
    await wekan.control("faults", error_ratio=0.0)
    status, _, _ = await wekan.call("GET", "/api/user", await wekan.token())
    assert status == 200
