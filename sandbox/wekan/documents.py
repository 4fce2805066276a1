"""Mongo documents as W serializes them: camelCase keys, unset fields left out."""

from __future__ import annotations

from typing import Any

from .ids import iso
from .models import Board, BoardList, Card, Comment, Integration, Member, Swimlane, User

_BOARD_TOGGLES = (
    "allowsCardCounterList", "allowsBoardMemberList", "allowsSubtasks", "allowsAttachments",
    "allowsChecklists", "allowsComments", "allowsDescriptionTitle", "allowsDescriptionText",
    "allowsDescriptionTextOnMinicard", "allowsCoverAttachmentOnMinicard",
    "allowsBadgeAttachmentOnMinicard", "allowsCardSortingByNumberOnMinicard",
    "allowsCardNumber", "allowsActivities", "allowsLabels", "allowsCreator", "allowsAssignee",
    "allowsMembers", "allowsRequestedBy", "allowsCardSortingByNumber", "allowsShowLists",
    "allowsAssignedBy", "allowsReceivedDate", "allowsStartDate", "allowsEndDate",
    "allowsDueDate",
)
# Display toggles W defaults to false (W models/boards.js schema).
_TOGGLES_OFF = {"allowsCardCounterList", "allowsBoardMemberList",
                "allowsDescriptionTextOnMinicard", "allowsCoverAttachmentOnMinicard",
                "allowsBadgeAttachmentOnMinicard", "allowsCardSortingByNumberOnMinicard"}


def member_doc(member: Member) -> dict[str, Any]:
    doc: dict[str, Any] = {"isAdmin": member.is_admin, "isActive": member.is_active}
    if member.user_id is not None:  # legacy boards may store `userId: undefined`
        doc = {"userId": member.user_id, **doc}
    return {**doc, **member.flags}


def board_doc(board: Board) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_id": board.id, "title": board.title, "slug": board.slug,
        "archived": board.archived, "createdAt": iso(board.created_at),
        "modifiedAt": iso(board.modified_at), "stars": 0,
        "labels": [{"_id": x.id, "name": x.name, "color": x.color} for x in board.labels],
        "members": [member_doc(m) for m in board.members], "permission": board.permission,
        "color": board.color, "type": board.type, "sort": board.sort,
        "watchers": [], "migrationVersion": 1,
    }
    if board.archived_at:
        doc["archivedAt"] = iso(board.archived_at)
    doc.update({name: name not in _TOGGLES_OFF for name in _BOARD_TOGGLES})
    return doc


def swimlane_doc(lane: Swimlane) -> dict[str, Any]:
    return {
        "_id": lane.id, "title": lane.title, "boardId": lane.board_id, "sort": lane.sort,
        "archived": lane.archived, "createdAt": iso(lane.created_at),
        "modifiedAt": iso(lane.modified_at), "type": "swimlane",
    }


def list_doc(blist: BoardList) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_id": blist.id, "title": blist.title, "boardId": blist.board_id,
        "swimlaneId": blist.swimlane_id, "archived": blist.archived,
        "createdAt": iso(blist.created_at), "modifiedAt": iso(blist.modified_at),
        "type": "list", "wipLimit": {"value": 1, "enabled": False, "soft": False},
    }
    if blist.sort is not None:
        doc["sort"] = blist.sort
    return doc


def card_doc(card: Card) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "_id": card.id, "title": card.title, "boardId": card.board_id, "listId": card.list_id,
        "swimlaneId": card.swimlane_id, "description": card.description,
        "userId": card.user_id, "sort": card.sort, "cardNumber": card.card_number,
        "members": card.members, "assignees": card.assignees, "labelIds": card.label_ids,
        "archived": card.archived, "dueComplete": card.due_complete,
        "createdAt": iso(card.created_at), "modifiedAt": iso(card.modified_at),
        "dateLastActivity": iso(card.date_last_activity), "type": "cardType-card",
        "customFields": [], "spentTime": 0, "isOvertime": False,
    }
    doc.update({name: iso(value) for name, value in card.dates.items()})
    if card.archived_at:
        doc["archivedAt"] = iso(card.archived_at)
    doc.update(card.extra)
    return {k: v for k, v in doc.items() if v is not None}


def card_summary(card: Card, place: str) -> dict[str, Any]:
    """List/swimlane card listings: `place` is "swimlaneId" or "listId"; no `members`."""
    full = card_doc(card)
    keys = ("_id", "title", "description", place, "receivedAt", "startAt", "dueAt", "endAt",
            "assignees", "sort")
    return {k: full[k] for k in keys if k in full}


def comment_doc(comment: Comment) -> dict[str, Any]:
    return {"_id": comment.id, "comment": comment.text, "authorId": comment.user_id}


def integration_doc(hook: Integration) -> dict[str, Any]:
    """GET never returns `token` (W server/models/integrations.js)."""
    doc: dict[str, Any] = {
        "_id": hook.id, "enabled": hook.enabled, "type": hook.type,
        "activities": hook.activities, "url": hook.url, "boardId": hook.board_id,
        "createdAt": iso(hook.created_at), "modifiedAt": iso(hook.modified_at),
        "userId": hook.user_id,
    }
    if hook.title:
        doc["title"] = hook.title
    return doc


def user_doc(user: User, memberships: list[dict[str, Any]]) -> dict[str, Any]:
    """User document without `services`/`sessionData`, plus the `boards` memberships."""
    return {
        "_id": user.id, "username": user.username, "createdAt": iso(user.created_at),
        "modifiedAt": iso(user.created_at), "authenticationMethod": "password",
        "emails": [{"address": user.email, "verified": True}],
        "isAdmin": user.is_admin, "loginDisabled": user.login_disabled,
        "profile": {
            "fullname": user.fullname, "initials": _initials(user.fullname),
            "language": user.language, "boardView": "board-view-swimlanes",
            "templatesBoardId": "", "cardTemplatesSwimlaneId": "",
            "listTemplatesSwimlaneId": "", "boardTemplatesSwimlaneId": "",
        },
        "boards": memberships,
    }


def _initials(fullname: str) -> str:
    return "".join(part[0] for part in fullname.split() if part).upper()
