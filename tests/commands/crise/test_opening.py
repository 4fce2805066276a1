"""/crise ouvrir: what exists after it, and a second run that makes nothing twice."""

from __future__ import annotations

import pytest

from bot.events import MessagePinned, ReactionAdded
from bot.store.repositories import ProcessedMessages
from commands.crise.desk import CrisisDesk
from commands.crise.feature import feature
from commands.crise.store import Cells
from composition.testing import AGENT, CRISIS_LEAD, TEAM_ROOM
from sandbox.nextcloud.shares import Share
from tests.commands.crise.conftest import JEAN, LUC, Crisis, cell_room

OPEN = "/crise ouvrir Inondation du datacenter --gravite 1 --avec @jean #equipe-projet"


def shares_of(crisis: Crisis) -> list[Share]:
    return list(crisis.nextcloud.state.shares.shares.values())


async def test_opening_makes_the_room_the_links_the_folder_and_the_board(crisis: Crisis) -> None:
    answer = crisis.text(await crisis.bot.say(OPEN, user=CRISIS_LEAD))
    chat = crisis.bot.chat
    room = cell_room(crisis)
    assert room.name.startswith("crise-") and room.name.endswith("-inondation-du-datacenter")
    assert f"Cellule de crise ouverte\u202f: #{room.name}" in answer
    members = {chat.users[i].username for i in chat.members[room.id]}
    assert {"sophie", "jean", "marie", "admin"} <= members  # #equipe-projet brought marie
    for person in ("sophie", "jean", "marie", "admin"):
        [link] = [m.text for m in chat.dms(person) if "lien personnel" in m.text]
        assert "jwt=" in link
    assert not any("jwt=" in text for text in chat.texts(room.id))
    # The fiche: pinned, then edited in place with the links.
    [fiche_id] = chat.pinned
    assert "Visio\u202f: https://visio.example.org/" in chat.edits[fiche_id]
    assert "Tableau\u202f: " in chat.edits[fiche_id] and "Dossier\u202f: " in chat.edits[fiche_id]
    assert "Visio" in chat.topics[room.id]
    folder = f"Crises/{room.name}"
    tree = crisis.nextcloud.state.tree
    assert tree.get("ensemble-bot", f"{folder}/main-courante.md") is not None
    shared = {s.share_with for s in shares_of(crisis) if s.node.path.endswith(room.name)}
    assert {"sophie", "jean", "marie"} <= shared
    [board] = [b for b in crisis.wekan.store.boards.values() if b.title == room.name]
    lists = [x.title for x in crisis.wekan.store.board_lists(board.id)]
    assert lists == ["À faire", "En cours", "Fait"]
    ids = {m.user_id for m in board.members if m.is_active}
    assert crisis.wekan.store.user_by_username("jean").id in ids  # type: ignore[union-attr]


async def test_a_resumed_opening_makes_nothing_twice(crisis: Crisis) -> None:
    desk_steps: list[str] = []

    def stop_after_folder(step: str) -> None:
        desk_steps.append(step)
        if step == "folder":
            raise RuntimeError("killed")

    desk = crisis.bot.app.runtime.services.get(CrisisDesk)
    desk.fault_hook = stop_after_folder
    await crisis.bot.say(OPEN, user=CRISIS_LEAD)
    desk.fault_hook = None
    room = cell_room(crisis)
    dms_before = len(crisis.bot.chat.dms("jean"))
    resumed = crisis.text(await crisis.bot.say("/crise reprendre", user=CRISIS_LEAD,
                                               room=room))
    assert "La cellule est complète." in resumed
    assert len(crisis.bot.chat.dms("jean")) == dms_before  # no second link
    assert len([r for r in crisis.bot.chat.rooms.values() if r.name.startswith("crise-")]) == 1
    folders = [s for s in shares_of(crisis) if s.share_with == "jean"]
    assert len(folders) == 1
    boards = [b for b in crisis.wekan.store.boards.values() if b.title == room.name]
    assert len(boards) == 1


async def test_a_resume_right_after_a_failed_step_waits_for_the_slower_services(
    crisis: Crisis
) -> None:
    def stop_at_folder(step: str) -> None:
        if step == "folder":
            raise RuntimeError("killed")

    desk = crisis.bot.app.runtime.services.get(CrisisDesk)
    desk.fault_hook = stop_at_folder
    crisis.wekan.store.switches.latency_ms = 150  # the board is still being made
    await crisis.bot.say(OPEN, user=CRISIS_LEAD)
    desk.fault_hook = None
    room = cell_room(crisis)
    resumed = crisis.text(await crisis.bot.say("/crise reprendre", user=CRISIS_LEAD,
                                               room=room))
    assert "La cellule est complète." in resumed
    boards = [b for b in crisis.wekan.store.boards.values() if b.title == room.name]
    assert len(boards) == 1


async def test_the_same_ouvrir_replayed_after_a_crash_resumes_its_cell(crisis: Crisis) -> None:
    typed = crisis.bot.chat.event(CRISIS_LEAD, TEAM_ROOM, OPEN)
    await crisis.bot.feed(typed)
    # A crash leaves the claim unfinished: after its lease, the replay is handled again.
    await crisis.bot.app.runtime.services.get(ProcessedMessages).release(typed.message_id)
    sent = len(crisis.bot.chat.sent)
    await crisis.bot.feed(typed)
    assert len(crisis.bot.chat.sent) == sent  # its answers have their keys: not sent twice
    assert len([r for r in crisis.bot.chat.rooms.values() if r.name.startswith("crise-")]) == 1
    assert len(await crisis.bot.app.runtime.services.get(Cells).open_cells()) == 1


async def test_only_crisis_roles_may_open_and_the_refusal_names_them(crisis: Crisis) -> None:
    refused = crisis.text(await crisis.bot.say(OPEN, user=AGENT))
    assert refused == "/crise ouvrir est réservée à ces rôles\u202f: admin, crise."
    cells = crisis.bot.app.runtime.services.get(Cells)
    assert await cells.open_cells() == []


async def test_an_unknown_person_is_refused_before_anything_is_made(crisis: Crisis) -> None:
    refused = crisis.text(await crisis.bot.say("/crise ouvrir Test --avec @personne",
                                               user=CRISIS_LEAD))
    assert "@personne n’est ni une personne, ni un #salon, ni une liste d’astreinte." in refused
    assert not [r for r in crisis.bot.chat.rooms.values() if r.name.startswith("crise-")]


async def test_a_cell_opens_without_wekan_and_says_what_is_missing(crisis: Crisis) -> None:
    crisis.wekan.store.switches.fault_ratio = 1.0  # every call answers 500
    answer = crisis.text(await crisis.bot.say(OPEN, user=CRISIS_LEAD))
    assert "Pas encore disponible\u202f: Wekan" in answer
    room = cell_room(crisis)
    assert "lien personnel" in crisis.bot.chat.dms("jean")[-1].text  # the rest is there
    [fiche_id] = crisis.bot.chat.pinned
    assert "Pas encore disponible\u202f: Wekan" in crisis.bot.chat.edits[fiche_id]
    crisis.wekan.store.switches.fault_ratio = 0.0
    done = crisis.text(await crisis.bot.say("/crise reprendre", user=CRISIS_LEAD, room=room))
    assert "La cellule est complète." in done
    assert any(b.title == room.name for b in crisis.wekan.store.boards.values())
    assert "Pas encore disponible" not in crisis.bot.chat.edits[fiche_id]


@pytest.mark.parametrize("event_type", [ReactionAdded, MessagePinned])
async def test_a_pin_or_a_pushpin_puts_the_message_in_the_log(
    crisis: Crisis, event_type: type
) -> None:
    await crisis.bot.say(OPEN, user=CRISIS_LEAD)
    room = cell_room(crisis)
    said = crisis.bot.chat.event(JEAN, room, "Le groupe électrogène a démarré")
    extra = {"reaction": ":pushpin:"} if event_type is ReactionAdded else {}
    await crisis.bot.feed(event_type(message_id=said.message_id, user=LUC, room=room,
                                     text=said.text, timestamp=said.timestamp, **extra))
    journal = crisis.text(await crisis.bot.say("/crise journal", user=CRISIS_LEAD, room=room))
    assert "épinglé — @jean\u202f: Le groupe électrogène a démarré" in journal


def test_the_feature_is_declared_once() -> None:
    assert feature.name == "crisis" and TEAM_ROOM.id
