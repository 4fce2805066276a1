"""Kanban boards as the core sees them (Wekan behind it); no vendor wire format here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Protocol

from bot.errors import UserFacingError
from bot.i18n import N_
from bot.services import ServiceKey


@dataclass(frozen=True, slots=True)
class Board:
    id: str
    title: str
    url: str = ""  # where a person opens it in the board server's web interface


@dataclass(frozen=True, slots=True)
class BoardList:
    id: str
    title: str
    # Newest change of the list itself and of the cards in it: lets a poller skip reads.
    modified_at: str | None = None
    cards_modified_at: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    board_id: str
    list_id: str
    title: str
    due_at: datetime | None = None
    assignees: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    archived: bool = False
    url: str = ""  # where a person opens it in the board server's web interface


@dataclass(frozen=True, slots=True)
class BoardContent:
    """One board as a whole, read at once: its open lists and open cards (as `lists` and
    `cards` give them) and the people its cards name, by id."""

    board: Board
    lists: list[BoardList]
    cards: list[Card]
    people: dict[str, Person]


def done_list(lists: Sequence[BoardList]) -> BoardList | None:
    """The column of finished cards: the board's last list (Wekan has no card status).

    Last in the order `BoardPort.lists` gives. A board with a single list has none: its cards
    would be done as soon as created.
    """
    return lists[-1] if len(lists) > 1 else None


def is_open(card: Card, lists: Sequence[BoardList]) -> bool:
    """The one definition of an open card, for every command: not archived, and not in the
    board's last list. `lists` are the card's board lists, in the board server's order."""
    done = done_list(lists)
    return not card.archived and (done is None or card.list_id != done.id)


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    username: str
    display_name: str = ""

    @property
    def label(self) -> str:
        return self.display_name or self.username


class CardChange(StrEnum):
    """What happened to a card; the pipeline's event for it is bot.events.BoardChanged."""

    CREATED = "created"
    MOVED = "moved"
    COMMENTED = "commented"
    DUE_CHANGED = "due_changed"
    ARCHIVED = "archived"


@dataclass(frozen=True, slots=True)
class BoardEvent:
    """Something a person did on a board, as told by the board server (ids, never prose)."""

    kind: CardChange
    board_id: str
    card_id: str
    actor_username: str | None = None
    actor_name: str | None = None
    list_id: str | None = None
    old_list_id: str | None = None
    comment: str | None = None
    key: str = field(default="", compare=False)


class BoardsError(Exception):
    """A board operation that cannot be done as asked."""


class NotFound(BoardsError):
    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} not found: {key}")
        self.kind = kind
        self.key = key


class WriteNotApplied(BoardsError, UserFacingError):
    """The server acknowledged a write and did not perform it (Wekan does that); `what` says
    which part of the write was lost, and picks the sentence the user is shown."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "list": N_("Wekan did not put the card in the list I asked for; please check the "
                   "board."),
        "assignees": N_("Wekan dropped the assignee of the card; please check the board."),
        "due date": N_("Wekan did not keep the due date of the card; please check the board."),
        "move": N_("Wekan acknowledged the move but the card did not change list; please "
                   "check the board."),
        "membership": N_("Wekan did not add the person to the board; please check the board."),
        "title": N_("Wekan did not rename the board; please check the board."),
    }

    def __init__(self, what: str, detail: str = "") -> None:
        UserFacingError.__init__(self, self.MESSAGES.get(what, self.MESSAGES["move"]))
        self.args = (f"{what} not applied {detail}".strip(),)
        self.what = what


class BoardPort(Protocol):
    service_label: ClassVar[str]

    async def bot_boards(self) -> list[Board]:
        """Boards the bot account is an active member of."""
        ...

    async def board(self, board_id: str) -> Board: ...

    async def visible_to(self, board_id: str, person_id: str | None) -> bool:
        """What the board server shows that person: a public board, or one they are an active
        member of. `None` (no account there) sees public boards only."""
        ...

    async def lists(self, board_id: str) -> list[BoardList]:
        """The open lists, in the order the board server gives them (Wekan: creation order;
        its REST API does not expose the `sort` its web interface orders them by)."""
        ...

    async def cards(self, board_id: str) -> list[Card]:
        """Every open (non-archived) card of the board."""
        ...

    async def content(self, board_id: str) -> BoardContent:
        """The whole board in one read of the board server (for digests: one call per board,
        however many people read it)."""
        ...

    async def card(self, card_id: str) -> Card:
        """One card, archived or not; NotFound when it does not exist."""
        ...

    async def person(self, username: str) -> Person: ...


    async def ensure_member(self, board_id: str, person: Person) -> None: ...

    async def create_card(
        self,
        board_id: str,
        list_id: str,
        title: str,
        *,
        assignees: tuple[Person, ...] = (),
        due_at: datetime | None = None,
        description: str = "",
    ) -> Card:
        """Creates the card and checks that list, assignees and due date stuck."""
        ...

    async def move_card(self, card: Card, list_id: str) -> Card:
        """Moves within the board and checks that the card really changed list."""
        ...

    async def ensure_members(self, board_id: str, people: Sequence[Person]) -> None:
        """Many at once (a crisis roster): the board is read once before and once after."""
        ...

    async def create_board(self, title: str) -> Board:
        """A private board owned by the bot account, with no list yet."""
        ...

    async def create_list(self, board_id: str, title: str) -> BoardList: ...

    async def rename_board(self, board_id: str, title: str) -> None:
        """Wekan's REST API cannot archive a board (its `archiveBoard` is a DDP method only,
        wekan/wekan server/models/boards.js v11.07): a finished board is told by its title."""
        ...


BOARD_PORT = ServiceKey[BoardPort]("Wekan")


class RoomBoardLinks(Protocol):
    """Links a chat room to a board, so that the board's card events are told in the room
    and the room's card commands reach the board (the board feature provides it)."""

    async def link(self, room_id: str, board_id: str, title: str, user_id: str) -> None: ...


ROOM_BOARD_LINKS = ServiceKey[RoomBoardLinks]("Wekan")
