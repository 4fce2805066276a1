"""Behaviours read from W source that an audit found the sandbox getting wrong."""

from __future__ import annotations

import asyncio

from sandbox.wekan.models import Integration, Member
from sandbox.wekan.store import GLOBAL_WEBHOOK_ID

from .conftest import Wekan


def _hook(wekan: Wekan, board_id: str, hook_id: str) -> None:
    store = wekan.sandbox.store
    store.switches.allow_private_webhooks = True
    store.integrations[hook_id] = Integration(
        id=hook_id, board_id=board_id, url=f"http://127.0.0.1:9/{hook_id}",
        user_id=wekan.user_id("admin"), created_at=wekan.clock(), modified_at=wekan.clock(),
    )


async def _delivered_to(wekan: Wekan, username: str) -> list[str]:
    wekan.sandbox.dispatcher.deliveries.clear()
    await wekan.control("ui/create-card", username=username, board_id=wekan.board["id"],
                        list="À faire", title="x")
    await asyncio.wait_for(wekan.sandbox.dispatcher.drain(), 5)
    return sorted(d.url.rsplit("/", 1)[-1] for d in wekan.sandbox.dispatcher.deliveries)


async def test_only_members_actions_reach_board_hooks_and_global_hooks_are_silent(
    wekan: Wekan,
) -> None:
    _hook(wekan, wekan.board["id"], "board")
    _hook(wekan, GLOBAL_WEBHOOK_ID, "global")
    assert await _delivered_to(wekan, "marie") == ["board"]
    assert await _delivered_to(wekan, "luc") == []  # not a member of the board


async def test_legacy_delivers_global_hooks_and_non_members_actions(wekan: Wekan) -> None:
    wekan.sandbox.store.switches.profile = "legacy"
    _hook(wekan, wekan.board["id"], "board")
    _hook(wekan, GLOBAL_WEBHOOK_ID, "global")
    assert await _delivered_to(wekan, "luc") == ["board", "global"]


async def test_rest_lists_have_no_sort_except_in_legacy(wekan: Wekan) -> None:
    token, board_id = await wekan.token(), wekan.board["id"]
    path = f"/api/boards/{board_id}/lists"
    _, created = await wekan.json("POST", path, token, json={"title": "Bloqué"})
    assert "sort" not in (await wekan.json("GET", f"{path}/{created['_id']}", token))[1]
    wekan.sandbox.store.switches.profile = "legacy"
    _, created = await wekan.json("POST", path, token, json={"title": "Reporté"})
    assert (await wekan.json("GET", f"{path}/{created['_id']}", token))[1]["sort"] == 4


def test_role_capabilities_follow_the_w_table() -> None:
    no_comments = Member("u", flags={"isNoComments": True})
    assert (no_comments.can_write, no_comments.can_comment) == (True, False)
    assigned = Member("u", flags={"isCommentAssignedOnly": True})
    assert (assigned.can_write, assigned.can_comment) == (False, True)
    admin = Member("u", is_admin=True, flags={"isReadOnly": True, "isNoComments": True})
    assert (admin.can_write, admin.can_comment) == (True, True)
    assert not Member("u", is_active=False).can_comment


async def test_legacy_comment_without_author_is_a_500_page(wekan: Wekan) -> None:
    wekan.sandbox.store.switches.profile = "legacy"
    token, board_id = await wekan.token(), wekan.board["id"]
    card = await wekan.new_card(token, authorId=wekan.user_id("ensemble-bot"))
    path = f"/api/boards/{board_id}/cards/{card}/comments"
    status, ctype, _ = await wekan.call("POST", path, token, json={"comment": "vu"})
    assert (status, ctype) == (500, "text/html")
    status, data = await wekan.json("POST", path, json={"comment": "vu"})
    assert (status, data["error"], data["statusCode"]) == (200, "Unauthorized", 401)
    me = wekan.user_id("ensemble-bot")
    status, made = await wekan.json("POST", path, token, json={"comment": "vu", "authorId": me})
    assert status == 200
    _, comments = await wekan.json("GET", path, token)
    assert comments == [{"_id": made["_id"], "comment": "vu", "authorId": me}]


async def test_legacy_lists_carry_no_dates(wekan: Wekan) -> None:
    wekan.sandbox.store.switches.profile = "legacy"
    token = await wekan.token()
    _, lists = await wekan.json("GET", f"/api/boards/{wekan.board['id']}/lists", token)
    assert {frozenset(x) for x in lists} == {frozenset({"_id", "title"})}


async def test_comments_do_not_move_cards_modified_at(wekan: Wekan) -> None:
    token, board_id = await wekan.token(), wekan.board["id"]
    card = await wekan.new_card(token)
    lists = f"/api/boards/{board_id}/lists"
    before = (await wekan.json("GET", lists, token))[1]
    wekan.clock.advance(minutes=5)
    await wekan.json("POST", f"/api/boards/{board_id}/cards/{card}/comments", token,
                     json={"comment": "vu"})
    await wekan.control("ui/comment", username="marie", card_id=card, text="ok")
    assert (await wekan.json("GET", lists, token))[1] == before


async def test_member_add_to_an_unknown_board_checks_admin_first(wekan: Wekan) -> None:
    path = f"/api/boards/NoSuchBoard1234567/members/{wekan.user_id('luc')}/add"
    body = {"action": "add", "role": "normal"}
    assert await wekan.json("POST", path, await wekan.token("marie"), json=body) == (
        403, {"error": "Only a board admin can add board members"}
    )
    assert await wekan.json("POST", path, await wekan.token(), json=body) == (200, [])


async def test_copy_rebuilds_the_slug_from_the_new_title(wekan: Wekan) -> None:
    token, board_id = await wekan.token(), wekan.board["id"]
    _, new_id = await wekan.json("POST", f"/api/boards/{board_id}/copy", token,
                                 json={"title": "Crise Paris"})
    assert (await wekan.json("GET", f"/api/boards/{new_id}", token))[1]["slug"] == "crise-paris"


async def test_put_archive_only_flips_the_flag(wekan: Wekan) -> None:
    token, b = await wekan.token(), wekan.board
    card = await wekan.new_card(token)
    wekan.clock.advance(minutes=1)
    status, _ = await wekan.json(
        "PUT", f"/api/boards/{b['id']}/lists/{b['lists']['À faire']}/cards/{card}", token,
        json={"archive": "true"},
    )
    assert status == 200
    _, doc = await wekan.json("GET", f"/api/cards/{card}", token)
    assert (doc["archived"], "archivedAt" in doc) == (True, False)
    assert (doc["modifiedAt"], doc["dateLastActivity"]) == (
        "2026-03-02T09:01:00.000Z", "2026-03-02T09:00:00.000Z"
    )
    rows = await (await wekan.http.get(f"{wekan.url}/_sandbox/activities")).json()
    assert [r["activityType"] for r in rows] == ["createCard"]
