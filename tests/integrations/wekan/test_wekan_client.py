"""The Wekan adapter against the sandbox: errors, re-login, write-then-verify, people."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import ServiceUnavailable
from bot.ports.boards import NotFound, WriteNotApplied
from integrations.wekan.boards import WekanBoards
from integrations.wekan.decode import Expect
from integrations.wekan.errors import WekanNotFound, WekanProtocolError, WekanUnavailable
from integrations.wekan.session import WekanSession
from sandbox.wekan import WekanSandbox
from sandbox.wekan.auth import THROTTLE_KEY

from .conftest import control, seeded_board

DUE = datetime(2026, 12, 12, 9, 30, tzinfo=UTC)


async def test_reads_the_seeded_board_lists_and_members(
    wekan: WekanSandbox, boards: WekanBoards
) -> None:
    board = seeded_board(wekan)
    assert [b.title for b in await boards.bot_boards()] == ["Équipe projet"]
    assert [x.title for x in await boards.lists(board["id"])] == ["À faire", "En cours", "Fait"]
    marie = await boards.person("@marie")
    assert (marie.username, marie.display_name) == ("marie", "Marie Curie")
    assert await boards.person("marie") is marie  # cached
    assert (await boards.person_by_id(marie.id)).username == "marie"


async def test_unknown_board_user_and_card_are_not_found(
    wekan: WekanSandbox, boards: WekanBoards
) -> None:
    with pytest.raises(NotFound) as board:
        await boards.board("NoSuchBoard000000")  # HTTP 200 + serialised Meteor error
    assert board.value.kind == "board"
    with pytest.raises(NotFound):
        await boards.person("nobody")  # HTTP 200 + {} (a TypeError)
    with pytest.raises(NotFound):
        await boards.card("NoSuchCard0000000")  # 404 {error}
    path = f"/api/boards/{seeded_board(wekan)['id']}/lists/x/cards/y"
    with pytest.raises(WekanNotFound):  # 200 with an empty body
        await boards.session.request("GET", path, expect=Expect.OBJECT)


async def test_unknown_route_and_disabled_api_are_protocol_errors(
    wekan: WekanSandbox, boards: WekanBoards
) -> None:
    with pytest.raises(WekanProtocolError):  # the HTML app shell with HTTP 200
        await boards.session.request("GET", "/api/no/such/route", expect=Expect.LIST)
    await control(wekan, "switches", api_enabled=False)
    with pytest.raises(WekanProtocolError):
        await boards.bot_boards()


async def test_server_errors_and_timeouts_are_service_unavailable(wekan: WekanSandbox) -> None:
    env = wekan.env()
    session = WekanSession(env["ENSEMBLE_WEKAN__URL"], "ensemble-bot",
                           env["ENSEMBLE_WEKAN__PASSWORD"], timeout_seconds=0.2)
    port = WekanBoards(session)
    try:
        await control(wekan, "faults", error_ratio=1.0)
        with pytest.raises(WekanUnavailable):
            await port.bot_boards()
        await control(wekan, "faults", error_ratio=0.0, latency_ms=600)
        with pytest.raises(ServiceUnavailable) as slow:
            await port.bot_boards()
        assert slow.value.service == "Wekan"
    finally:
        await port.close()


async def test_a_revoked_token_means_one_new_login(
    wekan: WekanSandbox, boards: WekanBoards
) -> None:
    await boards.bot_boards()
    bot = wekan.store.user_by_username("ensemble-bot")
    assert bot is not None and len(bot.tokens) == 1
    bot.tokens.clear()  # an admin deleted the token, or Meteor pruned it
    assert len(await boards.bot_boards()) == 1
    assert len(bot.tokens) == 1


async def test_a_wrong_password_fails_without_looping(wekan: WekanSandbox) -> None:
    port = WekanBoards(WekanSession(wekan.url, "ensemble-bot", "wrong", timeout_seconds=2))
    try:
        with pytest.raises(ServiceUnavailable):
            await port.bot_boards()
    finally:
        await port.close()
    runner = wekan._runner
    assert runner is not None
    throttle = runner.app[THROTTLE_KEY]
    assert [entry.count for entry in throttle.entries.values()] == [1]  # one try, no loop


async def test_card_with_assignee_and_due_date_is_verified(
    wekan: WekanSandbox, boards: WekanBoards
) -> None:
    board = seeded_board(wekan)
    luc = await boards.person("luc")
    await boards.ensure_member(board["id"], luc)  # not a member: added first
    card = await boards.create_card(board["id"], board["lists"]["En cours"], "Relire",
                                    assignees=(luc,), due_at=DUE)
    stored = wekan.store.cards[card.id]
    assert stored.assignees == [luc.id]
    assert stored.dates["dueAt"] == DUE
    assert stored.list_id == board["lists"]["En cours"]


async def test_assignee_dropped_by_wekan_is_reported(
    wekan: WekanSandbox, boards: WekanBoards
) -> None:
    board = seeded_board(wekan)
    alice = await boards.person("alice")  # not a board member: W ≥ v10.92 drops her silently
    with pytest.raises(WriteNotApplied) as caught:
        await boards.create_card(board["id"], board["lists"]["À faire"], "X", assignees=(alice,))
    assert caught.value.what == "assignees"


async def test_a_silently_ignored_move_is_caught(
    wekan: WekanSandbox, boards: WekanBoards
) -> None:
    board = seeded_board(wekan)
    card = await boards.create_card(board["id"], board["lists"]["À faire"], "Appeler")
    # Someone moves it in the UI; our copy still says "À faire", so the PUT's selector
    # matches nothing and Wekan answers 200 {_id} all the same (§5.2).
    await control(wekan, "ui/move-card", username="marie", card_id=card.id, list="En cours")
    with pytest.raises(WriteNotApplied):
        await boards.move_card(card, board["lists"]["Fait"])
    assert wekan.store.cards[card.id].list_id == board["lists"]["En cours"]
    moved = await boards.move_card(await boards.card(card.id), board["lists"]["Fait"])
    assert moved.list_id == board["lists"]["Fait"]


async def test_legacy_wekan_dates_and_moves_still_work(
    wekan: WekanSandbox, boards: WekanBoards
) -> None:
    board = seeded_board(wekan)
    await control(wekan, "switches", profile="legacy")
    # Dates are ignored on create (set again by PUT), moves answer 500 after moving.
    card = await boards.create_card(board["id"], board["lists"]["À faire"], "Vieux", due_at=DUE)
    assert wekan.store.cards[card.id].dates["dueAt"] == DUE
    moved = await boards.move_card(card, board["lists"]["Fait"])
    assert moved.list_id == board["lists"]["Fait"]


async def test_boards_and_cards_carry_their_address_in_wekan_web_interface(
    wekan: WekanSandbox, boards: WekanBoards
) -> None:
    """`<ROOT_URL>/b/<boardId>/<slug>[/<cardId>]`, as W models/lib/cardUrl.js builds them."""
    board = seeded_board(wekan)
    base = f"{wekan.url}/b/{board['id']}"
    assert (await boards.board(board["id"])).url == f"{base}/equipe-projet"
    card = await boards.create_card(board["id"], board["lists"]["À faire"], "Appeler")
    assert card.url == f"{base}/equipe-projet/{card.id}"
    [listed] = await boards.cards(board["id"])
    assert listed.url == card.url == (await boards.card(card.id)).url


async def test_without_a_known_slug_links_use_wekan_fallback(wekan: WekanSandbox) -> None:
    env = wekan.env()
    fresh = WekanBoards(WekanSession(env["ENSEMBLE_WEKAN__URL"], env["ENSEMBLE_WEKAN__USERNAME"],
                                     env["ENSEMBLE_WEKAN__PASSWORD"], timeout_seconds=5))
    try:
        [listed] = await fresh.bot_boards()  # `[{_id, title}]`: the listing has no slug
        assert listed.url == f"{wekan.url}/b/{listed.id}/board"  # Wekan routes by id
    finally:
        await fresh.close()


async def test_a_whole_board_is_read_in_one_export_call(
    wekan: WekanSandbox, boards: WekanBoards
) -> None:
    board = seeded_board(wekan)
    marie = await boards.person("marie")
    kept = await boards.create_card(board["id"], board["lists"]["À faire"], "Appeler",
                                    assignees=(marie,), due_at=DUE)
    gone = await boards.create_card(board["id"], board["lists"]["À faire"], "Ancienne")
    wekan.store.cards[gone.id].archived = True
    calls: list[str] = []
    request = boards.session.request

    async def counted(method: str, path: str, **kwargs: object) -> object:
        calls.append(path)
        return await request(method, path, **kwargs)  # type: ignore[arg-type]

    boards.session.request = counted  # type: ignore[method-assign]
    content = await boards.content(board["id"])
    assert calls == [f"/api/boards/{board['id']}/export"]
    assert [x.title for x in content.lists] == ["À faire", "En cours", "Fait"]
    assert [(c.id, c.assignees, c.due_at) for c in content.cards] == [
        (kept.id, (marie.id,), DUE)
    ]
    assert content.people[marie.id].username == "marie"
    assert content.board.url.endswith(f"/b/{board['id']}/equipe-projet")
    assert content.cards[0].url == f"{content.board.url}/{kept.id}"
    with pytest.raises(NotFound):
        await boards.content("NoSuchBoard000000")
