"""The Mongo documents the sandbox keeps, as plain dataclasses (fields as in W models/*.js)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Board role flags besides isAdmin/isActive (W server/lib/utils.js boardMemberRoleToFlags).
ROLE_FLAGS = (
    "isNoComments",
    "isCommentOnly",
    "isWorker",
    "isNormalAssignedOnly",
    "isCommentAssignedOnly",
    "isReadOnly",
    "isReadAssignedOnly",
)

# BOARD_ROLES order and ROLE_FLAGS of W models/lib/boardRoleCapabilities.js (minus board-admin).
_ROLE_FLAG = {
    "normal-assigned-only": "isNormalAssignedOnly",
    "no-comments": "isNoComments",
    "comment-only": "isCommentOnly",
    "comment-assigned-only": "isCommentAssignedOnly",
    "worker": "isWorker",
    "read-only": "isReadOnly",
    "read-assigned-only": "isReadAssignedOnly",
}
# ROLE_CAPABILITIES of the same file: the capabilities each role has (the `true` cells).
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    "board-admin": frozenset({"seesAllCards", "comment", "write", "manageBoard", "moveCard"}),
    "normal": frozenset({"seesAllCards", "comment", "write", "moveCard"}),
    "normal-assigned-only": frozenset({"comment", "write", "moveCard"}),
    "no-comments": frozenset({"seesAllCards", "write", "moveCard"}),
    "comment-only": frozenset({"seesAllCards", "comment"}),
    "comment-assigned-only": frozenset({"comment"}),
    "worker": frozenset({"seesAllCards", "comment", "moveCard"}),
    "read-only": frozenset({"seesAllCards"}),
    "read-assigned-only": frozenset(),
}


@dataclass
class User:
    id: str
    username: str
    fullname: str
    password: str | None
    email: str
    created_at: datetime
    is_admin: bool = False
    language: str = "fr"
    login_disabled: bool = False
    tokens: dict[str, datetime] = field(default_factory=dict)  # token -> expiry

    @property
    def display_name(self) -> str:
        """`getActivityUserName`: the full name, else the username."""
        return self.fullname or self.username


@dataclass
class Member:
    user_id: str | None
    is_admin: bool = False
    is_active: bool = True
    flags: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(ROLE_FLAGS, False))

    @property
    def role(self) -> str | None:
        """`memberRoleOf` (W models/lib/boardRoleCapabilities.js): isAdmin wins over every
        other flag, then the first flag in BOARD_ROLES order, else "normal"."""
        if not self.is_active:
            return None
        if self.is_admin:
            return "board-admin"
        return next((role for role, flag in _ROLE_FLAG.items() if self.flags.get(flag)),
                    "normal")

    @property
    def can_read(self) -> bool:
        """checkBoardAccess (W server/authentication.js) still reads the raw flags:
        active and not NoComments/CommentOnly/Worker."""
        return self.is_active and not any(
            self.flags.get(name, False) for name in ("isNoComments", "isCommentOnly", "isWorker")
        )

    @property
    def can_write(self) -> bool:
        """allowIsBoardMemberWithWriteAccess: `memberCan(members, userId, 'write')`."""
        return "write" in ROLE_CAPABILITIES.get(self.role or "", ())

    @property
    def can_comment(self) -> bool:
        """allowIsBoardMemberCommentOnly: `memberCan(members, userId, 'comment')`."""
        return "comment" in ROLE_CAPABILITIES.get(self.role or "", ())


@dataclass
class Label:
    id: str
    name: str
    color: str


@dataclass
class Board:
    id: str
    title: str
    slug: str
    permission: str
    color: str
    created_at: datetime
    modified_at: datetime
    members: list[Member] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    archived: bool = False
    archived_at: datetime | None = None
    sort: float = 0
    type: str = "board"
    card_counter: int = 0

    def member(self, user_id: str) -> Member | None:
        return next((m for m in self.members if m.user_id == user_id), None)


@dataclass
class Swimlane:
    id: str
    board_id: str
    title: str
    sort: float
    created_at: datetime
    modified_at: datetime
    archived: bool = False


@dataclass
class BoardList:
    id: str
    board_id: str
    swimlane_id: str
    title: str
    sort: float | None
    created_at: datetime
    modified_at: datetime
    archived: bool = False


@dataclass
class Card:
    id: str
    board_id: str
    list_id: str
    swimlane_id: str | None
    title: str | None
    user_id: str
    sort: float
    card_number: int
    created_at: datetime
    modified_at: datetime
    date_last_activity: datetime
    description: str | None = None
    members: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    label_ids: list[str] | None = field(default_factory=list)
    dates: dict[str, datetime] = field(default_factory=dict)  # receivedAt/startAt/dueAt/endAt
    archived: bool = False
    archived_at: datetime | None = None
    due_complete: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # color, requestedBy, spentTime, ...


@dataclass
class Comment:
    id: str
    board_id: str
    card_id: str
    user_id: str
    text: str
    created_at: datetime
    modified_at: datetime


@dataclass
class Integration:
    id: str
    board_id: str
    url: str
    user_id: str
    created_at: datetime
    modified_at: datetime
    token: str = ""
    title: str = ""
    enabled: bool = True
    type: str = "outgoing-webhooks"
    activities: list[str] = field(default_factory=lambda: ["all"])


@dataclass
class Activity:
    """One row of W's `activities` collection; `from_ui` says a DDP user made it."""

    id: str
    activity_type: str
    user_id: str
    board_id: str
    created_at: datetime
    from_ui: bool
    card_id: str | None = None
    list_id: str | None = None
    old_list_id: str | None = None
    swimlane_id: str | None = None
    old_swimlane_id: str | None = None
    comment_id: str | None = None
    time_value: datetime | None = None
    time_old_value: datetime | None = None
