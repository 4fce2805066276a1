"""/kanban, /tache, /taches through the whole pipeline, against a running sandbox Wekan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.config import RateLimitSettings
from bot.dates import END_OF_WORKING_DAY
from bot.memory_chat import Sent
from bot.ports.boards import BoardList, Card, done_list, is_open
from commands import kanban
from commands.core_feature import feature as core
from composition.settings import EnsembleSettings as Settings
from composition.settings import WekanSection
from composition.testing import ADMIN, AGENT, CRISIS_LEAD, BotHarness
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

    @property
    def board_url(self) -> str:
        """Where Wekan's web interface shows the board: `/b/<boardId>/<slug>`."""
        return f"{self.wekan.url}/b/{self.board['id']}/equipe-projet"

    def card_url(self, card_id: str) -> str:
        return f"{self.board_url}/{card_id}"

    def label(self, title: str, card_id: str) -> str:
        """How replies name a card: its title, and its short id linking to it in Wekan."""
        return f'"{title}" ([{card_id[:6]}]({self.card_url(card_id)}))'


def wekan_settings(wekan: WekanSandbox, **extra: Any) -> WekanSection:
    env = wekan.env()
    return WekanSection(
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
    async with BotHarness(configured, features=[core, kanban.feature],
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
    assert f"lié au tableau **[Équipe projet]({stack.board_url})**" in texts(by_id)


async def test_only_a_board_the_person_can_see_in_wekan_can_be_linked(stack: Stack) -> None:
    # sophie has a Wekan account but is not a member of the private board "Équipe projet".
    refused = texts(await stack.bot.say("/kanban lier Équipe projet", user=CRISIS_LEAD))
    assert refused == ("Aucun de mes tableaux Wekan ne vous est ouvert. Ajoutez-moi d’abord à "
                       "un tableau dont vous êtes membre.")
    assert "/kanban lier" in texts(await stack.bot.say("/kanban"))  # still not linked
    admin = texts(await stack.bot.say("/kanban lier Équipe projet", user=ADMIN))
    assert "lié au tableau **[Équipe projet](" in admin


async def test_taches_never_shows_cards_of_a_board_the_asker_cannot_see(linked: Stack) -> None:
    await linked.bot.say("/tache Préparer le budget confidentiel @marie")
    outsider = texts(await linked.bot.say("/taches @marie", user=CRISIS_LEAD))
    assert outsider == "Marie Curie n’a aucune carte ouverte sur les tableaux liés."
    member = texts(await linked.bot.say("/taches @marie", user=AGENT))
    assert "Préparer le budget confidentiel" in member


async def test_tache_creates_an_assigned_card_with_a_due_date(linked: Stack) -> None:
    sent = await linked.bot.say("/tache Appeler la préfecture @marie --echeance demain 9h30")
    [card] = linked.cards()
    assert card.title == "Appeler la préfecture"
    assert card.assignees == [linked.user_id("marie")]
    assert card.list_id == linked.board["lists"]["À faire"]
    assert card.dates["dueAt"] == datetime(2026, 3, 3, 8, 30, tzinfo=UTC)  # 9:30 in Paris
    reply = texts(sent)
    assert f"Carte {linked.label('Appeler la préfecture', card.id)} créée dans À faire" in reply
    assert "Assignée à Marie Curie" in reply
    assert "03/03/2026 09:30." in reply.splitlines()[2]


async def test_a_due_day_without_a_time_is_the_end_of_that_working_day(linked: Stack) -> None:
    sent = await linked.bot.say("/tache Appeler la préfecture --echeance demain")
    [card] = linked.cards()
    # Typed at 10:00 in Paris: tomorrow at 18:00 (17:00 UTC), not tomorrow at 10:00.
    assert card.dates["dueAt"] == datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    assert texts(sent).endswith(" 03/03/2026 18:00.")
    await linked.bot.say("/tache Relire --echeance 5/3")
    relire = next(c for c in linked.cards() if c.title == "Relire")
    assert relire.dates["dueAt"] == datetime(2026, 3, 5, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("demain 25h", "«\u202f25h\u202f» n’est pas une heure de la journée"),
        ("demain 10h75", "«\u202f10h75\u202f» n’est pas une heure de la journée"),
        ("31/02", "«\u202f31/02\u202f» n’est pas une date du calendrier"),
        ("31/02 10h", "«\u202f31/02\u202f» n’est pas une date du calendrier"),
        ("demain 10h 14h", "Je ne comprends pas la date «\u202fdemain 10h 14h\u202f»"),
    ],
)
async def test_an_impossible_due_date_is_refused_and_creates_nothing(
    linked: Stack, typed: str, reason: str
) -> None:
    reply = texts(await linked.bot.say(f"/tache Appeler la préfecture --echeance {typed}"))
    assert reply.startswith(reason), reply
    assert "`/tache <titre…> [@qui…] [--echeance quand…] [--liste liste…]`" in reply
    assert linked.cards() == []


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
    assert "@\u200dinconnu n’a pas de compte Wekan" in texts(nobody)
    no_list = await linked.bot.say("/tache Appeler --liste Archives")
    assert "pas de liste Archives" in texts(no_list)
    assert "À faire, En cours, Fait" in texts(no_list)
    bad_date = await linked.bot.say("/tache Appeler --echeance aux calendes grecques")
    assert "Je ne comprends pas la date «\u202faux calendes grecques\u202f»" in texts(bad_date)
    everyone = texts(await linked.bot.say("/tache Appeler @all"))
    assert "pas à @\u200dall" in everyone and "@all" not in everyone  # nobody pinged
    assert linked.cards() == []


async def test_tache_fait_moves_the_card_to_the_done_list(linked: Stack) -> None:
    await linked.bot.say("/tache Appeler la préfecture @marie")
    [card] = linked.cards()
    sent = await linked.bot.say(f"/tache fait {card.id[:6]}")
    assert card.list_id == linked.board["lists"]["Fait"]
    assert f"Carte {linked.label('Appeler la préfecture', card.id)} déplacée dans Fait" in texts(
        sent)
    again = await linked.bot.say(f"/task done {card.id[:6]}")
    assert "déjà dans Fait" in texts(again)
    unknown = await linked.bot.say("/tache fait zzzzzz")
    assert "Aucune carte ouverte" in texts(unknown)


async def test_taches_lists_open_cards_of_a_person(linked: Stack) -> None:
    await linked.bot.say("/tache Appeler la préfecture @marie --echeance demain")
    await linked.bot.say("/tache Écrire le compte rendu @marie @jean")
    await linked.bot.say("/tache Réserver la salle @jean")
    mine = texts(await linked.bot.say("/taches", user=AGENT))
    assert "Marie Curie\u202f: 2 cartes ouvertes" in mine
    assert "Appeler la préfecture" in mine and "Écrire le compte rendu" in mine
    assert "Réserver la salle" not in mine
    jean = texts(await linked.bot.say("/taches @jean"))
    assert "Jean Moulin\u202f: 2 cartes ouvertes" in jean


async def test_kanban_summarises_lists_and_overdue_cards(linked: Stack) -> None:
    await linked.bot.say("/tache Appeler la préfecture --echeance 5/3 10:00")
    await linked.bot.say("/tache Relire --echeance 20/3 10:00")
    clock = linked.bot.app.runtime.clock
    assert isinstance(clock, FixedClock)
    clock.moment = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    summary = texts(await linked.bot.say("/kanban"))
    assert f"**[Équipe projet]({linked.board_url})**\u202f: 2 cartes ouvertes" in summary
    assert "• À faire\u202f: 2" in summary and "• Fait\u202f: 0" in summary
    late = next(c for c in linked.cards() if c.title == "Appeler la préfecture")
    late_label = linked.label("Appeler la préfecture", late.id)
    assert f"1 carte en retard\u202f:\n• {late_label}" in summary


async def test_kanban_and_taches_count_open_cards_the_same_way(linked: Stack) -> None:
    """Done = in the board's last list ("Fait" here) or archived, for every command."""
    await linked.bot.say("/tache Appeler la préfecture @marie --echeance 1/3 10:00")
    [card] = linked.cards()
    await linked.bot.say(f"/tache fait {card.id[:6]}")
    summary = texts(await linked.bot.say("/kanban"))
    assert f"**[Équipe projet]({linked.board_url})**\u202f: 0 carte ouverte\n" in summary
    assert "• Fait\u202f: 1" in summary and "Aucune carte en retard." in summary  # done, not late
    mine = texts(await linked.bot.say("/taches"))
    assert mine == "Marie Curie n’a aucune carte ouverte sur les tableaux liés."
    await linked.bot.say("/tache Relire @marie")
    await linked.bot.say("/tache Archiver @marie")
    archived = next(c for c in linked.cards() if c.title == "Archiver")
    archived.archived = True  # archived in the Wekan UI
    assert ": 1 carte ouverte" in texts(await linked.bot.say("/kanban"))
    assert texts(await linked.bot.say("/taches")).startswith("Marie Curie\u202f: 1 carte ouverte")


async def test_aide_kanban_says_what_open_means_and_what_polling_cannot_see(
    stack: Stack,
) -> None:
    help_text = texts(await stack.bot.say("/aide kanban"))
    assert "Une carte est faite dans la dernière liste du tableau, ou archivée." in help_text
    assert "les commentaires seulement par le webhook sortant de Wekan" in help_text


async def test_the_usage_of_tache_lists_the_people_to_assign(stack: Stack) -> None:
    help_text = texts(await stack.bot.say("/aide tache"))
    assert ("`/tache <titre…> [@qui…] [--echeance quand…] [--liste liste…]`" in help_text)
    assert "- `@qui`: les personnes à qui l’assigner" in help_text
    # The help states the end of the working day that due dates use.
    assert f"un jour sans heure veut dire ce jour-là à {END_OF_WORKING_DAY:%H:%M}" in help_text
    english = texts(await stack.bot.say("/lang en") + await stack.bot.say("/help task"))
    assert "`/tache <title…> [@who…] [--echeance when…] [--liste list…]`" in english


async def test_people_to_assign_may_be_named_anywhere_in_the_line(linked: Stack) -> None:
    await linked.bot.say("/tache Appeler @marie la préfecture @jean --echeance demain 14h")
    [card] = linked.cards()
    assert card.title == "Appeler la préfecture"
    assert card.assignees == [linked.user_id("marie"), linked.user_id("jean")]
    missing = texts(await linked.bot.say("/tache @marie"))
    assert missing.splitlines()[0].endswith(" titre."), missing
    assert len(linked.cards()) == 1


async def test_replies_link_to_the_card_and_the_board_in_wekan(linked: Stack) -> None:
    await linked.bot.say("/tache Appeler la préfecture @marie --echeance 1/3 10:00")
    [card] = linked.cards()
    mine = texts(await linked.bot.say("/taches"))
    assert f"• {linked.label('Appeler la préfecture', card.id)} — À faire" in mine
    async with aiohttp.ClientSession() as http, http.get(linked.card_url(card.id)) as page:
        assert page.status == 200 and page.content_type == "text/html"  # Wekan's web app


async def test_english_speakers_get_english(settings: Settings) -> None:
    async for stack in running(settings, language="en"):
        await stack.bot.say("/kanban lier Équipe projet")
        sent = await stack.bot.say("/task Call the prefecture @marie --due tomorrow")
        reply = texts(sent)
        assert "created in À faire on Équipe projet" in reply
        assert "Assigned to Marie Curie." in reply and "Due 3/3/26, 6:00\u202fPM." in reply
        summary = texts(await stack.bot.say("/kanban"))
        assert f"**[Équipe projet]({stack.board_url})**: 1 open card\n" in summary
        assert "No overdue card." in summary
        refused = texts(await stack.bot.say("/task Call --due tomorrow 25:00"))
        assert refused.startswith("“25:00” is not a time of day (0:00 to 23:59).")


def test_open_means_not_archived_and_not_in_the_last_of_several_lists() -> None:
    todo, doing, done = BoardList("l1", "À faire"), BoardList("l2", "En cours"), BoardList(
        "l3", "Fait")
    card = Card("c1", "b", "l2", "Relire")
    assert done_list([todo, doing, done]) == done
    assert is_open(card, [todo, doing, done])
    assert not is_open(replace(card, list_id="l3"), [todo, doing, done])
    assert not is_open(replace(card, archived=True), [todo, doing, done])
    # A single list is not a done column: its cards would be done as soon as created.
    assert done_list([todo]) is None and is_open(replace(card, list_id="l1"), [todo])
