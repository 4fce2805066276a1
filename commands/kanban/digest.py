"""The cards part of a digest, and the board events the rooms were told, counted per board.

Each linked board is read once per digest run, whoever the run is for; cards are then sorted
out per reader: theirs (assigned) due today or overdue and newly assigned to them, or a room's
board as a whole.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from babel.dates import format_datetime

from bot.digest import Recipient
from bot.i18n import N_, Translator
from bot.ports.boards import Board, BoardPort, Card, CardChange, is_open
from commands.kanban.store import Assignment, Assignments, BoardLinks, ToldEvent, ToldEvents
from commands.kanban.text import board_label, card_label

log = logging.getLogger(__name__)
BOARD_READS = 4  # boards read at once: Wekan documents no limit, keep it small
MAX_LISTED = 10
EVENT_WORDS = {
    CardChange.CREATED: N_("{count} created"),
    CardChange.MOVED: N_("{count} moved"),
    CardChange.COMMENTED: N_("{count} commented"),
    CardChange.DUE_CHANGED: N_("{count} due date changed"),
    CardChange.ARCHIVED: N_("{count} archived"),
}


@dataclass
class CardsData:
    rooms_of_board: dict[str, set[str]]
    boards: dict[str, Board]
    # Open cards due before the furthest horizon of the run (due today, or overdue).
    due: dict[str, list[Card]]
    usernames: dict[str, str]
    told: list[ToldEvent]
    unreadable: set[str] = field(default_factory=set)
    # Per board: its open cards' assignments read this time, then (after the run's reads)
    # those first seen after the board's first read, with when.
    assigned: dict[str, set[Assignment]] = field(default_factory=dict)
    open_cards: dict[str, Card] = field(default_factory=dict)
    new_assignments: dict[str, dict[Assignment, datetime]] = field(default_factory=dict)
    boards_of_room: dict[str, set[str]] = field(default_factory=dict)
    told_by_board: dict[str, list[ToldEvent]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Indexes: each reader's part is found without scanning every board.
        for board_id, rooms in self.rooms_of_board.items():
            for room in rooms:
                self.boards_of_room.setdefault(room, set()).add(board_id)
        for event in self.told:
            self.told_by_board.setdefault(event.board_id, []).append(event)

    @property
    def rooms(self) -> Iterable[str]:
        return self.boards_of_room.keys()

    def _boards_of(self, recipient: Recipient) -> list[str]:
        found: set[str] = set()
        for room in recipient.rooms:
            found |= self.boards_of_room.get(room, set())
        return sorted(found)

    def render(self, recipient: Recipient, t: Translator) -> str | None:
        blocks = [b for b in (self._cards(recipient, t), self._events(recipient, t)) if b]
        return "\n\n".join(blocks) if blocks else None

    def _cards(self, recipient: Recipient, t: Translator) -> str | None:
        mine = [
            card for board_id in self._boards_of(recipient) for card in self.due.get(board_id, [])
            if card.due_at is not None and card.due_at < recipient.horizon
            and (recipient.is_room or recipient.username in {
                self.usernames.get(i, "") for i in (*card.assignees, *card.members)})
        ]
        overdue = sorted((c for c in mine if (c.due_at or recipient.until) < recipient.until),
                         key=lambda c: c.due_at or recipient.until)
        today = sorted((c for c in mine if c not in overdue),
                       key=lambda c: c.due_at or recipient.until)
        listed = {c.id for c in mine}
        new = [c for c in self._newly_assigned(recipient) if c.id not in listed]
        if not mine and not new:
            return None
        lines = [t.t("**Cards**")]
        week = recipient.horizon - recipient.until > timedelta(days=1)
        coming = N_("Due this week:") if week else N_("Due today:")
        for title, cards in ((N_("Overdue:"), overdue), (coming, today),
                             (N_("Assigned to you since the last digest:"), new)):
            if cards:
                lines.append(t.t(title))
                lines += [self._line(c, recipient, t) for c in cards[:MAX_LISTED]]
                if len(cards) > MAX_LISTED:
                    lines.append(t.t("• and {count} more", count=len(cards) - MAX_LISTED))
        return "\n".join(lines)

    def _newly_assigned(self, recipient: Recipient) -> list[Card]:
        """The person's open cards whose assignment to them no earlier read had seen (a
        room's digest tells what moved instead)."""
        if recipient.is_room:
            return []
        cards = [
            self.open_cards[card_id]
            for board_id in self._boards_of(recipient)
            for (card_id, person), first in self.new_assignments.get(board_id, {}).items()
            if recipient.since < first <= recipient.until and card_id in self.open_cards
            and self.usernames.get(person) == recipient.username
        ]
        return sorted(cards, key=lambda c: (c.board_id, c.title, c.id))

    def _line(self, card: Card, recipient: Recipient, t: Translator) -> str:
        board = self.boards.get(card.board_id)
        if card.due_at is None:
            return t.t("• {card} on {board}", card=card_label(card.title, card.id, url=card.url),
                       board=board_label(board.title, board.url) if board else "?")
        due = format_datetime(card.due_at.astimezone(recipient.tz), "EEE d MMM HH:mm",
                              locale=t.locale)
        return t.t("• {card} on {board}, due {due}", card=card_label(card.title, card.id,
                   url=card.url), board=board_label(board.title, board.url) if board else "?",
                   due=due)

    def _events(self, recipient: Recipient, t: Translator) -> str | None:
        per_board: dict[str, Counter[CardChange]] = {}
        for board_id in self._boards_of(recipient):
            for event in self.told_by_board.get(board_id, []):
                if recipient.since <= event.told_at < recipient.until:
                    per_board.setdefault(board_id, Counter())[event.kind] += 1
        if not per_board:
            return None
        lines = [t.t("**Board events told to your rooms**")]
        for board_id, counts in sorted(per_board.items()):
            board = self.boards.get(board_id)
            label = board_label(board.title, board.url) if board else board_id
            words = ", ".join(t.t(EVENT_WORDS[k], count=n) for k, n in sorted(counts.items()))
            lines.append(t.t("• {board}: {events}", board=label, events=words))
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class CardsSection:
    boards: BoardPort
    links: BoardLinks
    told: ToldEvents
    assignments: Assignments
    name: str = "cartes"
    aliases: tuple[str, ...] = ("cards", "taches", "tâches")

    async def gather(self, since: datetime, until: datetime, horizon: datetime) -> CardsData:
        rooms_of_board: dict[str, set[str]] = {}
        titles: dict[str, str] = {}
        for link in await self.links.all():
            rooms_of_board.setdefault(link.board_id, set()).add(link.room_id)
            titles[link.board_id] = link.board_title
        data = CardsData(rooms_of_board, {}, {}, {}, await self.told.between(since, until))
        limit = asyncio.Semaphore(BOARD_READS)

        async def read(board_id: str) -> None:
            async with limit:
                try:
                    await self._read_board(board_id, titles[board_id], horizon, data)
                except Exception:  # one board failing leaves the others
                    log.exception("digest: a board could not be read", extra={"board": board_id})
                    data.unreadable.add(board_id)

        await asyncio.gather(*(read(board_id) for board_id in sorted(rooms_of_board)))
        data.new_assignments = await self.assignments.observe(data.assigned, until)
        return data

    async def _read_board(
        self, board_id: str, title: str, horizon: datetime, data: CardsData
    ) -> None:
        content = await self.boards.content(board_id)  # one call to the board server
        open_cards = [c for c in content.cards if is_open(c, content.lists)]
        data.due[board_id] = [c for c in open_cards if c.due_at is not None and c.due_at < horizon]
        data.assigned[board_id] = {(c.id, person) for c in open_cards for person in c.assignees}
        data.open_cards.update((c.id, c) for c in open_cards if c.assignees)
        data.boards[board_id] = Board(board_id, content.board.title or title, content.board.url)
        data.usernames.update({i: p.username for i, p in content.people.items()})
