"""/kanban, /tache, /taches through the whole pipeline, against a running sandbox Wekan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import RateLimitSettings, Settings, WekanSettings
from bot.memory_chat import Sent
from bot.testing import ADMIN, AGENT, CRISIS_LEAD, BotHarness
from bot.wiring import boards, core
from sandbox.wekan import WekanSandbox

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class FixedClock:
    moment: datetime = NOW

    def now(self) -> datetime:
        return self.moment


@dataclass
class Stack:
    bot: BotHarness
    wekan: WekanSandbox

    @property
    def board(self) -> dict[str, Any]:
        found = self.wekan.describe()["board"]
        assert isinstance(found, dict)
        return found

    def cards(self) -> list[Any]:
        return [c for c in self.wekan.store.cards.values() if c.board_id == self.board["id"]]

    def user_id(self, username: str) -> str:
        user = self.wekan.store.user_by_username(username)
        assert user is not None
        return user.id


def wekan_settings(wekan: WekanSandbox, **extra: Any) -> WekanSettings:
    env = wekan.env()
    return WekanSettings(
        url=env["ENSEMBLE_WEKAN__URL"], username=env["ENSEMBLE_WEKAN__USERNAME"],
        password=SecretStr(env["ENSEMBLE_WEKAN__PASSWORD"]),
        webhook_token=SecretStr(env["ENSEMBLE_WEKAN__WEBHOOK_TOKEN"]), polling=False, **extra,
    )


def texts(sent: list[Sent]) -> str:
    return "\n".join(s.message.text for s in sent)


async def running(settings: Settings, language: str = "fr") -> AsyncIterator[Stack]:
    wekan = WekanSandbox()
    await wekan.start()
    configured = settings.model_copy(update={
        "wekan": wekan_settings(wekan), "default_locale": language,
        "rate_limit": RateLimitSettings(burst=100),
    })
    async with BotHarness(configured, features=[core.install, boards.install],
                          clock=FixedClock()) as bot:
        yield Stack(bot, wekan)
    await wekan.stop()


@pytest.fixture
async def stack(settings: Settings) -> AsyncIterator[Stack]:
    async for value in running(settings):
        yield value


@pytest.fixture
async def linked(stack: Stack) -> Stack:
    sent = await stack.bot.say("/kanban lier équipe PROJET")
    assert "Équipe projet" in texts(sent)
    return stack


async def test_a_room_without_board_is_told_to_link_one(stack: Stack) -> None:
    for line in ("/tache Appeler", "/kanban", "/taches", "/tache fait abcdef"):
        sent = await stack.bot.say(line)
        assert "/kanban lier" in texts(sent), line
    assert stack.cards() == []


async def test_linking_needs_a_board_the_bot_belongs_to(stack: Stack) -> None:
    sent = await stack.bot.say("/kanban lier Tableau inconnu")
    assert "Tableau inconnu" in texts(sent)
    assert "Équipe projet" in texts(sent)  # the boards it could link instead
    by_id = await stack.bot.say(f"/kanban lier {stack.board['id']}")
    assert "lié au tableau **Équipe projet**" in texts(by_id)


async def test_only_a_board_the_person_can_see_in_wekan_can_be_linked(stack: Stack) -> None:
    # sophie has a Wekan account but is not a member of the private board "Équipe projet".
    refused = texts(await stack.bot.say("/kanban lier Équipe projet", user=CRISIS_LEAD))
    assert refused == ("Aucun de mes tableaux Wekan ne vous est ouvert. Ajoutez-moi d’abord à "
                       "un tableau dont vous êtes membre.")
    assert "/kanban lier" in texts(await stack.bot.say("/kanban"))  # still not linked
    admin = texts(await stack.bot.say("/kanban lier Équipe projet", user=ADMIN))
    assert "lié au tableau **Équipe projet**" in admin


async def test_taches_never_shows_cards_of_a_board_the_asker_cannot_see(linked: Stack) -> None:
    await linked.bot.say("/tache Préparer le budget confidentiel @marie")
    outsider = texts(await linked.bot.say("/taches @marie", user=CRISIS_LEAD))
    assert outsider == "Marie Curie n’a aucune carte ouverte sur les tableaux liés."
    member = texts(await linked.bot.say("/taches @marie", user=AGENT))
    assert "Préparer le budget confidentiel" in member


async def test_tache_creates_an_assigned_card_with_a_due_date(linked: Stack) -> None:
    sent = await linked.bot.say("/tache Appeler la préfecture @marie --echeance demain")
    [card] = linked.cards()
    assert card.title == "Appeler la préfecture"
    assert card.assignees == [linked.user_id("marie")]
    assert card.list_id == linked.board["lists"]["À faire"]
    assert card.dates["dueAt"].date() == date(2026, 3, 3)
    reply = texts(sent)
    assert f'"Appeler la préfecture" ({card.id[:6]})' in reply
    assert "créée dans À faire" in reply
    assert "Assignée à Marie Curie" in reply
    assert "Échéance : 03/03/2026 10:00." in reply  # 9:00 UTC is 10:00 in Paris


async def test_tache_adds_the_assignee_to_the_board_and_uses_the_named_list(
    linked: Stack,
) -> None:
    await linked.bot.say('/tache Relire le rapport @luc --liste "en cours"')
    [card] = linked.cards()
    assert card.list_id == linked.board["lists"]["En cours"]
    board = linked.wekan.store.boards[linked.board["id"]]
    assert linked.user_id("luc") in linked.wekan.store.active_member_ids(board)
    assert card.assignees == [linked.user_id("luc")]


async def test_unknown_person_list_and_date_are_explained(linked: Stack) -> None:
    nobody = await linked.bot.say("/tache Appeler @inconnu")
    assert "@\u200binconnu n’a pas de compte Wekan" in texts(nobody)
    no_list = await linked.bot.say("/tache Appeler --liste Archives")
    assert "pas de liste Archives" in texts(no_list)
    assert "À faire, En cours, Fait" in texts(no_list)
    bad_date = await linked.bot.say("/tache Appeler --echeance aux calendes grecques")
    assert "Je ne comprends pas la date" in texts(bad_date)
    everyone = texts(await linked.bot.say("/tache Appeler @all"))
    assert "pas à @\u200ball" in everyone and "@all" not in everyone  # nobody pinged
    assert linked.cards() == []


async def test_tache_fait_moves_the_card_to_the_done_list(linked: Stack) -> None:
    await linked.bot.say("/tache Appeler la préfecture @marie")
    [card] = linked.cards()
    sent = await linked.bot.say(f"/tache fait {card.id[:6]}")
    assert card.list_id == linked.board["lists"]["Fait"]
    assert "déplacée dans Fait" in texts(sent)
    again = await linked.bot.say(f"/task done {card.id[:6]}")
    assert "déjà dans Fait" in texts(again)
    unknown = await linked.bot.say("/tache fait zzzzzz")
    assert "Aucune carte ouverte" in texts(unknown)


async def test_taches_lists_open_cards_of_a_person(linked: Stack) -> None:
    await linked.bot.say("/tache Appeler la préfecture @marie --echeance demain")
    await linked.bot.say("/tache Écrire le compte rendu @marie @jean")
    await linked.bot.say("/tache Réserver la salle @jean")
    mine = texts(await linked.bot.say("/taches", user=AGENT))
    assert "Marie Curie : 2 cartes ouvertes" in mine
    assert "Appeler la préfecture" in mine and "Écrire le compte rendu" in mine
    assert "Réserver la salle" not in mine
    jean = texts(await linked.bot.say("/taches @jean"))
    assert "Jean Moulin : 2 cartes ouvertes" in jean


async def test_kanban_summarises_lists_and_overdue_cards(linked: Stack) -> None:
    await linked.bot.say("/tache Appeler la préfecture --echeance 5/3 10:00")
    await linked.bot.say("/tache Relire --echeance 20/3 10:00")
    clock = linked.bot.app.runtime.clock
    assert isinstance(clock, FixedClock)
    clock.moment = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    summary = texts(await linked.bot.say("/kanban"))
    assert "**Équipe projet** : 2 cartes ouvertes" in summary
    assert "• À faire: 2" in summary and "• Fait: 0" in summary
    assert "1 carte en retard" in summary and "Appeler la préfecture" in summary


async def test_english_speakers_get_english(settings: Settings) -> None:
    async for stack in running(settings, language="en"):
        await stack.bot.say("/kanban lier Équipe projet")
        sent = await stack.bot.say("/task Call the prefecture @marie --due tomorrow")
        reply = texts(sent)
        assert "created in À faire on Équipe projet" in reply
        assert "Assigned to Marie Curie." in reply and "Due 3/3/26" in reply
        summary = texts(await stack.bot.say("/kanban"))
        assert "**Équipe projet**: 1 open card\n" in summary and "No overdue card." in summary
