"""The cards part of a digest: a person hears once of a card newly assigned to them, never of
what the board already held the first time the digest read it, and again after an
unassignment and a new assignment. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import cast

from bot.config import PROJECT_ROOT
from bot.digest import Recipient
from bot.i18n import Catalogs
from bot.ports.boards import Board, BoardContent, BoardList, BoardPort, Card, Person
from bot.store import Database
from commands import kanban
from commands.kanban.digest import CardsData, CardsSection
from commands.kanban.store import Assignments, BoardLinks, ToldEvents

assert kanban.feature.migrations is not None
MIGRATIONS = [kanban.feature.migrations]
FRENCH = Catalogs(PROJECT_ROOT / "locales").get("fr")
ENGLISH = Catalogs(PROJECT_ROOT / "locales").get("en")
T0 = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
DAY = timedelta(days=1)
LISTS = [BoardList("L-todo", "À faire"), BoardList("L-done", "Fait")]
PEOPLE = {"w-marie": Person("w-marie", "marie"), "w-jean": Person("w-jean", "jean")}


@dataclass
class FakeBoards:
    """The one call a digest makes per board, with cards a test changes between runs."""

    cards: list[Card] = field(default_factory=list)
    down: bool = False
    reads: int = 0

    async def content(self, board_id: str) -> BoardContent:
        self.reads += 1
        if self.down:
            raise ConnectionError("Wekan unreachable")
        return BoardContent(Board(board_id, "Équipe projet", "https://wekan/b/B1"), LISTS,
                            list(self.cards), PEOPLE)


def card(card_id: str, title: str, *assignees: str, list_id: str = "L-todo") -> Card:
    return Card(card_id, "B1", list_id, title, assignees=assignees,
                url=f"https://wekan/b/B1/{card_id}")


def marie(since: datetime, until: datetime, room: str | None = None) -> Recipient:
    return Recipient(user_id=None if room else "u-marie", username=None if room else "marie",
                     rooms=frozenset({"r-team"}), since=since, until=until,
                     horizon=until + DAY, tz=UTC, room_id=room)


async def run(section: CardsSection, at: datetime) -> CardsData:
    return await section.gather(at - DAY, at, at + DAY)


async def test_a_card_assigned_since_the_last_digest_is_told_once(store_url: str) -> None:
    database = Database(store_url)
    await database.migrate(MIGRATIONS)
    try:
        await BoardLinks(database).link("r-team", "B1", "Équipe projet", "u-marie")
        boards = FakeBoards([card("C1", "Rédiger le bilan", "w-marie")])
        section = CardsSection(cast(BoardPort, boards), BoardLinks(database),
                               ToldEvents(database), Assignments(database))

        # The first read is the baseline: what the board held is not news.
        first = await run(section, T0)
        assert first.render(marie(T0 - DAY, T0), FRENCH) is None

        boards.cards += [card("C2", "Appeler la préfecture", "w-marie", "w-jean"),
                         card("C3", "Commander les badges", "w-jean"),
                         card("C4", "Classer", "w-marie", list_id="L-done")]
        # Two runs at once (a scheduled round and a `/digest maintenant`): no conflict.
        second, twin = await asyncio.gather(run(section, T0 + DAY), run(section, T0 + DAY))
        assert twin.render(marie(T0, T0 + DAY), FRENCH) is not None
        text = second.render(marie(T0, T0 + DAY), FRENCH)
        assert text == (
            "**Cartes**\nAssignées à vous depuis le dernier résumé\u202f:\n"
            "• \"Appeler la préfecture\" ([C2](https://wekan/b/B1/C2)) sur "
            "**[Équipe projet](https://wekan/b/B1)**"
        )
        english = second.render(marie(T0, T0 + DAY), ENGLISH)
        assert english is not None and "Assigned to you since the last digest:" in english
        # A room's digest tells what moved, not whom a card went to.
        assert second.render(marie(T0, T0 + DAY, room="r-team"), FRENCH) is None

        # Told once: the next digest has nothing new.
        third = await run(section, T0 + 2 * DAY)
        assert third.render(marie(T0 + DAY, T0 + 2 * DAY), FRENCH) is None

        # Wekan down for a run: nothing is forgotten, nothing is new when it is back.
        boards.down = True
        down = await run(section, T0 + 3 * DAY)
        assert down.unreadable == {"B1"}
        boards.down = False
        back = await run(section, T0 + 4 * DAY)
        assert back.render(marie(T0 + 3 * DAY, T0 + 4 * DAY), FRENCH) is None

        # Unassigned, then assigned again: news again.
        boards.cards[0] = replace(boards.cards[0], assignees=())
        await run(section, T0 + 5 * DAY)
        boards.cards[0] = replace(boards.cards[0], assignees=("w-marie",))
        again = await run(section, T0 + 6 * DAY)
        text = again.render(marie(T0 + 5 * DAY, T0 + 6 * DAY), FRENCH)
        assert text is not None and "Rédiger le bilan" in text
        assert "Appeler la préfecture" not in text
    finally:
        await database.close()


async def test_a_new_card_due_today_is_listed_once_under_due_today(store_url: str) -> None:
    database = Database(store_url)
    await database.migrate(MIGRATIONS)
    try:
        await BoardLinks(database).link("r-team", "B1", "Équipe projet", "u-marie")
        boards = FakeBoards([])
        section = CardsSection(cast(BoardPort, boards), BoardLinks(database),
                               ToldEvents(database), Assignments(database))
        await run(section, T0)
        boards.cards.append(replace(card("C5", "Envoyer le rapport", "w-marie"),
                                    due_at=T0 + DAY + timedelta(hours=3)))
        data = await run(section, T0 + DAY)
        text = data.render(marie(T0, T0 + DAY), FRENCH)
        assert text is not None
        assert text.count("Envoyer le rapport") == 1
        assert "À échéance aujourd’hui\u202f:" in text
        assert "depuis le dernier résumé" not in text
    finally:
        await database.close()

