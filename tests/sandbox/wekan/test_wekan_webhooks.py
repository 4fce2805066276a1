"""Outgoing webhooks (§4): payload, token header, UI-only events, the SSRF rule."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from sandbox.wekan.seed import WEBHOOK_TOKEN

from .conftest import Wekan


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.arrived = asyncio.Event()

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((dict(request.headers), await request.json()))
        self.arrived.set()
        return web.Response(text="ok")


@pytest.fixture
async def receiver(aiohttp_server: Any) -> tuple[Receiver, str]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/wekan", hook.handle)
    server: TestServer = await aiohttp_server(app, host="127.0.0.1")
    return hook, f"http://127.0.0.1:{server.port}/wekan"


async def _register(wekan: Wekan, url: str) -> str:
    token = await wekan.token()
    board_id = wekan.board["id"]
    status, created = await wekan.json(
        "POST", f"/api/boards/{board_id}/integrations", token, json={"url": url}
    )
    assert status == 200, created
    await wekan.json(
        "PUT",
        f"/api/boards/{board_id}/integrations/{created['_id']}",
        token,
        json={"token": WEBHOOK_TOKEN, "title": "ENSEMBLE"},
    )
    return token


async def test_ui_card_creation_delivers_the_one_way_payload(
    wekan: Wekan, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    await wekan.control("switches", allow_private_webhooks=True)
    await _register(wekan, url)
    b = wekan.board
    created = await wekan.control(
        "ui/create-card",
        username="marie",
        board_id=b["id"],
        list="À faire",
        title="Réserver la salle",
    )
    await asyncio.wait_for(hook.arrived.wait(), 5)
    headers, payload = hook.received[0]
    card_id = created["card_id"]
    assert headers["X-Wekan-Token"] == WEBHOOK_TOKEN
    assert headers["Content-Type"] == "application/json"
    assert payload == {
        "text": 'Marie Curie a créé la carte "Réserver la salle" de la liste "À faire" du '
        'couloir "Default" du tableau "Équipe projet"\n'
        f"{wekan.url}/b/{b['id']}/equipe-projet/{card_id}",
        "cardId": card_id,
        "listId": b["lists"]["À faire"],
        "boardId": b["id"],
        "user": "Marie Curie",
        "username": "marie",
        "card": "Réserver la salle",
        "swimlaneId": b["swimlane_id"],
        "description": "act-createCard",
    }
    assert list(payload)[-1] == "description"


async def test_ui_move_and_comment_carry_old_list_and_comment(
    wekan: Wekan, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    await wekan.control("switches", allow_private_webhooks=True)
    token = await _register(wekan, url)
    b = wekan.board
    card = await wekan.new_card(token)
    await wekan.control("ui/move-card", username="jean", card_id=card, list="En cours")
    comment = await wekan.control("ui/comment", username="jean", card_id=card, text="J'appelle")
    for _ in range(50):
        if len(hook.received) == 2:
            break
        await asyncio.sleep(0.02)
    moved, commented = (p for _, p in hook.received)
    assert (moved["description"], moved["oldListId"], moved["listId"]) == (
        "act-moveCard",
        b["lists"]["À faire"],
        b["lists"]["En cours"],
    )
    assert (commented["description"], commented["comment"], commented["commentId"]) == (
        "act-addComment",
        "J'appelle",
        comment["comment_id"],
    )


async def test_rest_writes_emit_no_event(wekan: Wekan, receiver: tuple[Receiver, str]) -> None:
    hook, url = receiver
    await wekan.control("switches", allow_private_webhooks=True)
    token = await _register(wekan, url)
    b = wekan.board
    card = await wekan.new_card(token)
    await wekan.json(
        "PUT",
        f"/api/boards/{b['id']}/lists/{b['lists']['À faire']}/cards/{card}",
        token,
        json={"listId": b["lists"]["Fait"]},
    )
    await wekan.json(
        "POST", f"/api/boards/{b['id']}/cards/{card}/comments", token, json={"comment": "vu"}
    )
    await wekan.control("ui/due", username="marie", card_id=card, due_at="2026-03-06T09:00:00Z")
    await asyncio.wait_for(hook.arrived.wait(), 5)
    assert [p["description"] for _, p in hook.received] == ["act-a-dueAt"]
    rows = await (await wekan.http.get(f"{wekan.url}/_sandbox/activities")).json()
    assert [(r["activityType"], r["fromUi"]) for r in rows] == [
        ("createCard", False),
        ("moveCard", False),
        ("addComment", False),
        ("a-dueAt", True),
    ]


async def test_private_webhook_urls_are_refused_by_default(wekan: Wekan) -> None:
    token, board_id = await wekan.token(), wekan.board["id"]
    cases = {
        "http://127.0.0.1:8080/hook": "IP address is not allowed",
        "http://localhost/hook": "Localhost is not allowed",
        "http://192.168.1.20/hook": "IP address is not allowed",
        "ftp://example.org/hook": "Only HTTP and HTTPS protocols are allowed",
    }
    for url, reason in cases.items():
        status, data = await wekan.json(
            "POST", f"/api/boards/{board_id}/integrations", token, json={"url": url}
        )
        assert (status, data) == (400, {"error": "invalid-webhook-url", "reason": reason})
    status, _ = await wekan.json(
        "POST",
        f"/api/boards/{board_id}/integrations",
        token,
        json={"url": "https://bot.example.org/hooks/wekan"},
    )
    assert status == 200


async def test_delivery_to_a_private_url_is_skipped_once_the_switch_is_off(
    wekan: Wekan, receiver: tuple[Receiver, str]
) -> None:
    hook, url = receiver
    await wekan.control("switches", allow_private_webhooks=True)
    await _register(wekan, url)
    await wekan.control("switches", allow_private_webhooks=False)
    await wekan.control(
        "ui/create-card", username="marie", board_id=wekan.board["id"], list="À faire", title="x"
    )
    await asyncio.sleep(0.05)
    assert hook.received == []
    deliveries = await (await wekan.http.get(f"{wekan.url}/_sandbox/deliveries")).json()
    # outgoing.js wraps fetchSafe's refusal (W server/lib/ssrfGuard.js).
    assert deliveries[0]["error"] == (
        "Webhook request failed: SSRF_GUARD: Blocked IP in URL: 127.0.0.1"
    )


async def test_integration_get_never_shows_the_token(wekan: Wekan) -> None:
    await wekan.control("switches", allow_private_webhooks=True)
    token = await _register(wekan, "http://127.0.0.1:9/hook")
    _, hooks = await wekan.json("GET", f"/api/boards/{wekan.board['id']}/integrations", token)
    assert hooks[0]["title"] == "ENSEMBLE"
    assert "token" not in hooks[0]
    assert hooks[0]["activities"] == ["all"]
