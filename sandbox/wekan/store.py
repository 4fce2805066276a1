"""In-memory Wekan state: users, boards, lists, swimlanes, cards, comments, hooks, activities."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .ids import meteor_id
from .models import (
    Activity,
    Board,
    BoardList,
    Card,
    Comment,
    Integration,
    Label,
    Member,
    Swimlane,
    User,
)
from .ssrf import Resolver, make_resolver

Clock = Callable[[], datetime]
ActivityListener = Callable[[Activity], None]

GLOBAL_WEBHOOK_ID = "_global"  # Integrations.Const.GLOBAL_WEBHOOK_ID


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Switches:
    """Operator/test switches the control API can flip at run time."""

    allow_private_webhooks: bool = False  # fake-only: W has no such switch
    # fake-only: host name -> addresses, read before a real getaddrinfo ([] = no answer)
    dns_overrides: dict[str, list[str]] = field(default_factory=dict)
    profile: str = "current"  # "current" (W v11) or "legacy" (v7.x-v8.x differences)
    api_enabled: bool = True  # WITH_API
    fault_ratio: float = 0.0  # share of /api requests answered 503
    latency_ms: int = 0
    token_lifetime_days: float = 90.0  # ACCOUNTS_COMMON_LOGIN_EXPIRATION_IN_DAYS


@dataclass
class WekanStore:
    clock: Clock = utc_now
    switches: Switches = field(default_factory=Switches)
    users: dict[str, User] = field(default_factory=dict)
    boards: dict[str, Board] = field(default_factory=dict)
    swimlanes: dict[str, Swimlane] = field(default_factory=dict)
    lists: dict[str, BoardList] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)
    comments: dict[str, Comment] = field(default_factory=dict)
    integrations: dict[str, Integration] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    listeners: list[ActivityListener] = field(default_factory=list)

    @property
    def legacy(self) -> bool:
        return self.switches.profile == "legacy"

    def resolver(self) -> Resolver:
        return make_resolver(self.switches.dns_overrides)

    # -- users ---------------------------------------------------------------------------
    def add_user(
        self, username: str, fullname: str, password: str | None, *, is_admin: bool = False
    ) -> User:
        user = User(
            id=meteor_id(), username=username, fullname=fullname, password=password,
            email=f"{username}@ensemble.test", created_at=self.clock(), is_admin=is_admin,
        )
        self.users[user.id] = user
        return user

    def user_by_username(self, username: str) -> User | None:
        return next((u for u in self.users.values() if u.username == username), None)

    def user_by_token(self, token: str) -> User | None:
        now = self.clock()
        for user in self.users.values():
            expiry = user.tokens.get(token)
            # W only looks the token up; Meteor's pruning job drops expired ones.
            if expiry is not None and expiry > now:
                return user
        return None

    # -- boards --------------------------------------------------------------------------
    def add_board(
        self, title: str, owner_id: str | None, *, permission: str = "private",
        color: str = "belize",
    ) -> tuple[Board, Swimlane]:
        now = self.clock()
        board = Board(
            id=meteor_id(), title=title, slug=slugify(title), permission=permission,
            color=color, created_at=now, modified_at=now, sort=float(len(self.boards)),
            members=[Member(user_id=owner_id, is_admin=True)],
        )
        self.boards[board.id] = board
        return board, self.add_swimlane(board.id, "Default")

    def add_swimlane(self, board_id: str, title: str, sort: float | None = None) -> Swimlane:
        now = self.clock()
        count = sum(1 for s in self.swimlanes.values() if s.board_id == board_id)
        lane = Swimlane(
            id=meteor_id(), board_id=board_id, title=title,
            sort=float(count) if sort is None else sort, created_at=now, modified_at=now,
        )
        self.swimlanes[lane.id] = lane
        return lane

    def add_list(
        self, board_id: str, title: str, swimlane_id: str, *, sort_unset: bool = False
    ) -> BoardList:
        """`sort` = the board's list count, or unset (`sort_unset`, the Meteor 3 REST bug)."""
        now = self.clock()
        count = len(self.board_lists(board_id))
        blist = BoardList(
            id=meteor_id(), board_id=board_id, swimlane_id=swimlane_id, title=title,
            sort=None if sort_unset else float(count), created_at=now, modified_at=now,
        )
        self.lists[blist.id] = blist
        return blist

    def add_label(self, board: Board, name: str, color: str) -> Label:
        label = Label(id=meteor_id(6), name=name, color=color)
        board.labels.append(label)
        return label

    def board_lists(self, board_id: str) -> list[BoardList]:
        found = [x for x in self.lists.values() if x.board_id == board_id and not x.archived]
        return sorted(found, key=lambda x: (x.sort is None, x.sort or 0))

    def board_swimlanes(self, board_id: str) -> list[Swimlane]:
        found = [s for s in self.swimlanes.values() if s.board_id == board_id and not s.archived]
        return sorted(found, key=lambda s: s.sort)

    def default_swimlane(self, board_id: str) -> Swimlane | None:
        lanes = self.board_swimlanes(board_id)
        return lanes[0] if lanes else None

    def unique_title(self, title: str) -> str:
        """`Boards.uniqueTitle` (W models/boards.js): "<base> [n+1]" when the title is taken."""
        base = re.match(r"^(.*?)\s*(\[(\d+)]\s*$|\s*$)", title)
        base_title = base.group(1) if base else title
        pattern = re.compile(rf"^{re.escape(base_title)}\s*(\[(\d+)]\s*$|\s*$)")
        taken = [b.title for b in self.boards.values() if pattern.match(b.title)]
        if not taken:
            return title
        numbers = [int(m.group(2)) for t in taken if (m := pattern.match(t)) and m.group(2)]
        return f"{base_title} [{max(numbers, default=0) + 1}]"

    # -- cards ---------------------------------------------------------------------------
    def list_cards(self, list_id: str) -> list[Card]:
        found = [c for c in self.cards.values() if c.list_id == list_id and not c.archived]
        return sorted(found, key=lambda c: c.sort)

    def active_member_ids(self, board: Board) -> set[str]:
        return {m.user_id for m in board.members if m.is_active and m.user_id}

    def touch(self, card: Card) -> None:
        card.modified_at = card.date_last_activity = self.clock()

    # -- activities ----------------------------------------------------------------------
    def record(self, activity_type: str, user_id: str, board_id: str, *, from_ui: bool,
               **refs: object) -> Activity:
        """Insert an activity; listeners (the webhook dispatcher) see every one of them."""
        activity = Activity(
            id=meteor_id(), activity_type=activity_type, user_id=user_id, board_id=board_id,
            created_at=self.clock(), from_ui=from_ui,
        )
        for key, value in refs.items():
            setattr(activity, key, value)
        self.activities.append(activity)
        for listener in self.listeners:
            listener(activity)
        return activity

    def new_comment(self, card: Card, user_id: str, text: str) -> Comment:
        return self.new_comment_for(card.board_id, card.id, user_id, text)

    def new_comment_for(self, board_id: str, card_id: str, user_id: str, text: str) -> Comment:
        now = self.clock()
        comment = Comment(
            id=meteor_id(), board_id=board_id, card_id=card_id, user_id=user_id,
            text=text, created_at=now, modified_at=now,
        )
        self.comments[comment.id] = comment
        return comment


def slugify(title: str) -> str:
    """Board slug from the title, like the `limax` call in W models/boards.js (close enough)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug or "board"
