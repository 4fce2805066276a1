"""Card events back into the linked room: authenticated webhooks and the polling fallback."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.config import PROJECT_ROOT, Settings
from bot.i18n import Catalogs
from bot.memory_chat import Sent
from bot.ports.boards import Card, CardChange
from bot.store.repositories import AuditLog
from commands.kanban import BoardWatch
from commands.kanban.inbox import EventInbox
from commands.kanban.notices import Notice, render
from sandbox.wekan.seed import ADMIN_PASSWORD, WEBHOOK_TOKEN

from .test_kanban import Stack, running

ROOM = "r-team"


@pytest.fixture
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async for value in running(settings):
        await value.bot.say("/kanban lier Équipe projet")
        yield value


@pytest.fixture
async def hook_url(stack: Stack) -> AsyncIterator[str]:
    server = TestServer(stack.bot.app.runtime.web, host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("/hooks/wekan"))
    await server.close()


def room_messages(stack: Stack) -> list[Sent]:
    return [s for s in stack.bot.chat.sent if s.room_id == ROOM]


async def wait_for(stack: Stack, count: int) -> list[Sent]:
    for _ in range(100):
        found = room_messages(stack)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.02)
    return room_messages(stack)


async def ui(stack: Stack, action: str, **body: Any) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(
        f"{stack.wekan.url}/_sandbox/ui/{action}", json={"username": "marie", **body}
    ) as response:
        data: dict[str, Any] = await response.json()
        assert response.status == 200, data
        return data


async def post_hook(url: str, payload: dict[str, Any], token: str | None) -> int:
    headers = {"X-Wekan-Token": token} if token is not None else {}
    async with aiohttp.ClientSession() as http, http.post(
        url, json=payload, headers=headers
    ) as response:
        return response.status


def watch(stack: Stack) -> BoardWatch:
    return stack.bot.app.runtime.services.get(BoardWatch)


async def test_webhooks_without_the_right_token_are_refused(stack: Stack, hook_url: str) -> None:
    card = await ui(stack, "create-card", board_id=stack.board["id"], list="À faire",
                    title="Piège")
    payload = {"description": "act-createCard", "boardId": stack.board["id"],
               "cardId": card["card_id"], "listId": stack.board["lists"]["À faire"],
               "user": "Marie Curie", "text": "Marie Curie a créé la carte"}
    before = len(room_messages(stack))
    assert await post_hook(hook_url, payload, None) == 401
    assert await post_hook(hook_url, payload, "wrong-token") == 401
    assert await post_hook(hook_url, payload, WEBHOOK_TOKEN[:-1]) == 401
    await asyncio.sleep(0.1)
    assert len(room_messages(stack)) == before
    assert await post_hook(hook_url, payload, WEBHOOK_TOKEN) == 200
    [told] = (await wait_for(stack, before + 1))[before:]
    label = stack.label("Piège", card["card_id"])
    assert told.message.text == f"Marie Curie a créé {label} dans À faire."
    # The same delivery again (a board hook and a global hook): told once.
    assert await post_hook(hook_url, payload, WEBHOOK_TOKEN) == 200
    await asyncio.sleep(0.1)
    assert len(room_messages(stack)) == before + 1


def create_payload(stack: Stack, card_id: str) -> dict[str, Any]:
    return {"description": "act-createCard", "boardId": stack.board["id"], "cardId": card_id,
            "listId": stack.board["lists"]["À faire"], "user": "Marie Curie"}


async def test_a_webhook_a_standby_accepted_is_told_once_by_the_leader(
    stack: Stack, hook_url: str
) -> None:
    card = await ui(stack, "create-card", board_id=stack.board["id"], list="À faire",
                    title="Relire la note")
    scheduler = stack.bot.app.runtime.scheduler
    scheduler.stop()  # this replica stands by: only the leader runs the scheduler
    before = len(room_messages(stack))
    assert await post_hook(hook_url, create_payload(stack, card["card_id"]), WEBHOOK_TOKEN) == 200
    await asyncio.sleep(0.1)
    assert len(room_messages(stack)) == before  # a standby tells no room
    scheduler.start()  # it leads now: its next inbox round finds the event in the store
    await stack.bot.app.runtime.services.get(EventInbox).drain()
    [told] = room_messages(stack)[before:]
    assert told.message.text.startswith('Marie Curie a créé "Relire la note"')
    await stack.bot.app.runtime.services.get(EventInbox).drain()
    assert len(room_messages(stack)) == before + 1


async def test_an_event_wekan_could_not_be_asked_about_is_told_on_a_later_round(
    stack: Stack, hook_url: str
) -> None:
    card = await ui(stack, "create-card", board_id=stack.board["id"], list="À faire",
                    title="Commander les badges")
    before = len(room_messages(stack))
    stack.wekan.store.switches.fault_ratio = 1.0  # the card read fails: Wekan answers 503
    assert await post_hook(hook_url, create_payload(stack, card["card_id"]), WEBHOOK_TOKEN) == 200
    inbox = stack.bot.app.runtime.services.get(EventInbox)
    await inbox.drain()
    assert len(room_messages(stack)) == before
    # What the operator's backlog alert reads: one event waits.
    assert "ensemble_webhook_backlog 1.0" in stack.bot.app.metrics.render().decode()
    stack.wekan.store.switches.fault_ratio = 0.0
    await inbox.drain()
    assert "ensemble_webhook_backlog 0.0" in stack.bot.app.metrics.render().decode()
    [told] = room_messages(stack)[before:]
    assert told.message.text.startswith('Marie Curie a créé "Commander les badges"')


async def test_a_webhook_event_is_audited_and_measured_like_a_command(
    stack: Stack, hook_url: str
) -> None:
    card = await ui(stack, "create-card", board_id=stack.board["id"], list="À faire",
                    title="Réserver la salle")
    stack.wekan.store.switches.fault_ratio = 1.0  # the first round fails: measured as such
    assert await post_hook(hook_url, create_payload(stack, card["card_id"]), WEBHOOK_TOKEN) == 200
    inbox = stack.bot.app.runtime.services.get(EventInbox)
    await inbox.drain()
    stack.wekan.store.switches.fault_ratio = 0.0
    await inbox.drain()
    audit = stack.bot.app.runtime.services.get(AuditLog)
    # Newest first; the accept's own round may have failed too, before the explicit one.
    told, *failed = [e for e in await audit.recent() if e.command == "board created"]
    assert (told.username, told.room_id, told.outcome) == (
        "", f"board:{stack.board['id']}", "ok"
    )
    assert failed and all(e.outcome == "unavailable" for e in failed)
    assert re.fullmatch(r"[0-9a-f]{12}", told.correlation_id)
    assert told.correlation_id not in {e.correlation_id for e in failed}
    metrics = stack.bot.app.metrics.render().decode()
    assert 'ensemble_commands_total{command="board created",outcome="ok"} 1.0' in metrics


async def register_hook(stack: Stack, url: str) -> None:
    """What an admin does: POST the URL, then PUT the token (wekan/wekan
    server/models/integrations.js)."""
    board = stack.board["id"]
    async with aiohttp.ClientSession() as http:
        await http.post(f"{stack.wekan.url}/_sandbox/switches",
                        json={"allow_private_webhooks": True})
        async with http.post(f"{stack.wekan.url}/users/login",
                             json={"username": "admin", "password": ADMIN_PASSWORD}) as r:
            token = (await r.json())["token"]
        auth = {"Authorization": f"Bearer {token}"}
        async with http.post(f"{stack.wekan.url}/api/boards/{board}/integrations",
                             json={"url": url}, headers=auth) as r:
            hook = (await r.json())["_id"]
        async with http.put(f"{stack.wekan.url}/api/boards/{board}/integrations/{hook}",
                            json={"token": WEBHOOK_TOKEN}, headers=auth) as r:
            assert r.status == 200


async def test_a_move_in_the_wekan_ui_is_told_in_the_room(stack: Stack, hook_url: str) -> None:
    await register_hook(stack, hook_url)
    await stack.bot.say("/tache Appeler la préfecture @marie")
    [card] = stack.cards()
    before = len(room_messages(stack))
    await ui(stack, "move-card", card_id=card.id, list="En cours")
    await ui(stack, "comment", card_id=card.id, text="C'est fait @all *urgent*")
    await ui(stack, "due", card_id=card.id, due_at="2026-03-05T15:00:00.000Z")
    await ui(stack, "archive-card", card_id=card.id)
    told = [s.message.text for s in (await wait_for(stack, before + 4))[before:]]
    label = stack.label("Appeler la préfecture", card.id)
    assert told == [
        f"Marie Curie a déplacé {label} de À faire vers En cours.",
        f"Marie Curie a commenté {label}\u202f: C'est fait @\u200dall \\*urgent\\*",
        f"Marie Curie a fixé l’échéance de {label} au 05/03/2026 16:00.",
        f"Marie Curie a archivé {label}.",
    ]
    # Polling afterwards finds nothing new: the webhook path updated the snapshot.
    assert await watch(stack).poll(stack.board["id"]) == []


async def test_polling_tells_what_people_did_but_not_what_the_bot_did(stack: Stack) -> None:
    board = stack.board["id"]
    await stack.bot.say("/tache Réserver la salle")
    assert await watch(stack).poll(board) == []  # the bot's own card is not news
    [own] = stack.cards()
    await stack.bot.say(f"/tache fait {own.id[:6]}")
    assert await watch(stack).poll(board) == []
    created = await ui(stack, "create-card", board_id=board, list="À faire", title="Imprimer")
    before = len(room_messages(stack))
    await watch(stack).poll(board)
    await ui(stack, "move-card", card_id=created["card_id"], list="En cours")
    await ui(stack, "due", card_id=created["card_id"], due_at="2026-03-05T15:00:00.000Z")
    await watch(stack).poll(board)
    await ui(stack, "archive-card", card_id=created["card_id"])
    await watch(stack).poll(board)
    label = stack.label("Imprimer", created["card_id"])
    assert [s.message.text for s in room_messages(stack)[before:]] == [
        f"Nouvelle carte {label} dans À faire.",
        f"{label} déplacée de À faire vers En cours.",
        f"{label} a été archivée.",
    ]
    assert await watch(stack).poll(board) == []


async def test_polling_sees_changes_on_a_wekan_older_than_10_72(stack: Stack) -> None:
    """Before 10.72 lists carry no modifiedAt/cardsModifiedAt: the poller reads the cards."""
    stack.wekan.store.switches.profile = "legacy"
    board = stack.board["id"]
    await watch(stack).poll(board)  # the first look takes the board as it is
    created = await ui(stack, "create-card", board_id=board, list="À faire", title="Imprimer")
    before = len(room_messages(stack))
    await watch(stack).poll(board)
    await ui(stack, "move-card", card_id=created["card_id"], list="En cours")
    await watch(stack).poll(board)
    label = stack.label("Imprimer", created["card_id"])
    assert [s.message.text for s in room_messages(stack)[before:]] == [
        f"Nouvelle carte {label} dans À faire.",
        f"{label} déplacée de À faire vers En cours.",
    ]


async def test_polling_skips_card_reads_when_no_list_changed(stack: Stack) -> None:
    requests: list[str] = []

    async def spy(_session: Any, ctx: Any, params: aiohttp.TraceRequestStartParams) -> None:
        requests.append(params.url.path)

    boards = watch(stack).boards
    session = boards.session._session()  # type: ignore[attr-defined]
    session.trace_configs.append(trace := aiohttp.TraceConfig())
    trace.on_request_start.append(spy)
    trace.freeze()
    await watch(stack).poll(stack.board["id"])
    assert requests and all(path.endswith("/lists") for path in requests), requests


def test_events_read_well_in_english_too() -> None:
    english = Catalogs(PROJECT_ROOT / "locales").get("en")
    card = Card("AbCdEfGhJkMnPqRsT", "b", "l", "Call @here", datetime(2026, 3, 5, 15, tzinfo=UTC))
    paris = ZoneInfo("Europe/Paris")
    moved = Notice(CardChange.MOVED, card, "Done", "To do", actor="Marie Curie")
    assert render(moved, english, paris) == (
        'Marie Curie moved "Call @\u200dhere" (AbCdEf) from To do to Done.'
    )
    assert render(Notice(CardChange.CREATED, card, "To do"), english, paris) == (
        'New card "Call @\u200dhere" (AbCdEf) in To do.'
    )
    assert render(Notice(CardChange.DUE_CHANGED, card, actor="Jean"), english, paris) == (
        'Jean set the due date of "Call @\u200dhere" (AbCdEf) to 3/5/26, 4:00\u202fPM.'
    )
