"""Running a cell: log, status updates, actions, roles, members, summary; then closing it."""

from __future__ import annotations

import io

from odf import teletype
from odf.opendocument import load
from odf.text import P

from bot.models import Room
from commands.crise.cards import CardLog
from composition.testing import ADMIN, AGENT, CRISIS_LEAD
from tests.commands.crise.conftest import JEAN, LUC, Crisis, cell_room

OPEN = "/crise ouvrir Panne de messagerie --gravite 2 --avec @jean @marie"


async def opened(crisis: Crisis) -> Room:
    await crisis.bot.say(OPEN, user=CRISIS_LEAD)
    return cell_room(crisis)


async def test_log_point_and_action_land_in_the_main_courante(crisis: Crisis) -> None:
    room = await opened(crisis)
    say = crisis.bot.say
    logged = crisis.text(await say("/crise log Prestataire appelé", user=JEAN, room=room))
    assert logged.startswith("Inscrit à la main courante le ")
    template = crisis.text(await say("/crise point", user=CRISIS_LEAD, room=room))
    assert "situation: …" in template and "besoins: …" in template
    update = "/crise point situation: files bloquées actions: redémarrage besoins: un admin"
    await say(update, user=CRISIS_LEAD, room=room)
    posted = "\n".join(crisis.bot.chat.texts(room.id))
    assert "**Situation**\u202f: files bloquées\n**Actions en cours**\u202f: redémarrage" in posted
    action = crisis.text(await say("/crise action Redémarrer le relais @jean --echeance 18h",
                                   user=CRISIS_LEAD, room=room))
    assert "Action créée sur le tableau, pour @jean" in action
    [card] = [c for c in crisis.wekan.store.cards.values() if c.title == "Redémarrer le relais"]
    assert crisis.wekan.store.user_by_username("jean").id in card.assignees  # type: ignore[union-attr]
    journal = crisis.text(await say("/crise journal 10", user=JEAN, room=room))
    for expected in ("main courante — @jean\u202f: Prestataire appelé",
                     "point de situation — @sophie\u202f: Situation\u202f: files bloquées",
                     "action — @sophie\u202f: Redémarrer le relais → "):
        assert expected in journal
    document = crisis.nextcloud.state.tree.get(
        "ensemble-bot", f"Crises/{room.name}/main-courante.md")
    assert document is not None and "files bloquées" in document.data.decode()


async def test_a_card_moved_in_wekan_lands_in_the_log(crisis: Crisis) -> None:
    room = await opened(crisis)
    await crisis.bot.say("/crise action Couper le relais @jean", user=CRISIS_LEAD, room=room)
    [card] = [c for c in crisis.wekan.store.cards.values() if c.title == "Couper le relais"]
    [done] = [x for x in crisis.wekan.store.board_lists(card.board_id) if x.title == "Fait"]
    card.list_id = done.id
    await crisis.bot.app.runtime.services.get(CardLog).poll()
    journal = crisis.text(await crisis.bot.say("/crise journal", user=JEAN, room=room))
    assert "action faite — @wekan\u202f: Couper le relais → Fait" in journal


async def test_point_role_and_clore_are_for_the_pilot_and_the_secretary(crisis: Crisis) -> None:
    room = await opened(crisis)
    refused = crisis.text(await crisis.bot.say("/crise point situation: rien", user=JEAN,
                                               room=room))
    assert refused == ("/crise point est réservée au pilote et au secrétaire de la cellule "
                       "(pilote @sophie) et à ces rôles\u202f: admin, crise.")
    given = crisis.said_in(await crisis.bot.say("/crise role @jean secretaire",
                                                user=CRISIS_LEAD, room=room), room)
    assert given == ("@jean est maintenant secrétaire\u202f; les consignes sont parties en "
                     "message direct.")
    assert "Vous êtes secrétaire" in crisis.bot.chat.dms("jean")[-1].text
    allowed = crisis.text(await crisis.bot.say("/crise point situation: stable", user=JEAN,
                                               room=room))
    assert "refus" not in allowed
    status = crisis.text(await crisis.bot.say("/crise statut", user=AGENT, room=room))
    assert "Rôles\u202f: pilote @sophie, secrétaire @jean" in status
    assert "Dernier point de situation\u202f: " in status and "1 action" not in status


async def test_members_are_added_and_removed_everywhere(crisis: Crisis) -> None:
    room = await opened(crisis)
    chat = crisis.bot.chat
    answer = crisis.said_in(await crisis.bot.say("/crise membres +@luc -@marie",
                                                 user=CRISIS_LEAD, room=room), room)
    assert answer == "@luc ajouté.\n@marie retiré."
    assert LUC.id in chat.members[room.id] and AGENT.id not in chat.members[room.id]
    assert "lien personnel" in chat.dms("luc")[-1].text
    recipients = {s.share_with for s in crisis.nextcloud.state.shares.shares.values()}
    assert "luc" in recipients and "marie" not in recipients


async def test_liste_shows_members_their_cells_and_crisis_roles_all(crisis: Crisis) -> None:
    room = await opened(crisis)
    mine = crisis.text(await crisis.bot.say("/crise liste", user=JEAN))
    assert f"#{room.name} — Panne de messagerie" in mine
    assert crisis.text(await crisis.bot.say("/crise liste", user=LUC)) == (
        "Aucune cellule de crise ouverte.")
    assert "1 cellule de crise ouverte" in crisis.text(
        await crisis.bot.say("/crise liste", user=ADMIN))


async def test_closing_archives_and_writes_the_report(crisis: Crisis) -> None:
    room = await opened(crisis)
    say = crisis.bot.say
    await say("/crise log Cause trouvée: disque plein", user=JEAN, room=room)
    await say("/crise point situation: service rétabli", user=CRISIS_LEAD, room=room)
    await say("/crise clore Disque remplacé, supervision ajoutée", user=CRISIS_LEAD, room=room)
    chat = crisis.bot.chat
    assert room.id in chat.archived
    shares = [s for s in crisis.nextcloud.state.shares.shares.values()
              if s.node.path.endswith(room.name)]
    assert shares and all(s.permissions == 1 for s in shares)  # read only
    node = crisis.nextcloud.state.tree.get(
        "ensemble-bot", f"Crises/{room.name}/rapport-{room.name}.odt")
    assert node is not None
    text = "\n".join(teletype.extractText(p) for p in
                     load(io.BytesIO(node.data)).getElementsByType(P))
    for expected in ("Cause trouvée: disque plein", "service rétabli",
                     "Disque remplacé, supervision ajoutée", "Gravité\u202f: 2 (majeure)"):
        assert expected in text
    assert "Le rapport de la cellule est dans son dossier" in "\n".join(chat.texts(room.id))
    retex = chat.dms("sophie")[-1].text
    assert retex.startswith(f"La cellule de crise #{room.name} est close.")
    assert "/index.php/f/" in retex
    assert any(b.title == f"[close] {room.name}" for b in crisis.wekan.store.boards.values())
    again = crisis.text(await say("/crise statut", user=CRISIS_LEAD, room=room))
    assert "Tapez ceci dans le salon d’une cellule de crise ouverte" in again
