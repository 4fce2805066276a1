"""Wekan documents → the core's board model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from bot.ports.boards import BoardList, Card, Person


def iso(moment: datetime) -> str:
    """What Wekan stores and answers: UTC, milliseconds, `Z`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ids(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(x) for x in value if isinstance(x, str) and x)
    return ()


def board_url(base: str, board_id: str, slug: str | None) -> str:
    """The board in Wekan's web interface: `<ROOT_URL>/b/<boardId>/<slug>`.

    As W models/boards.js `originRelativeUrl` (v11.07) writes it, `board` standing in for a
    missing slug; Wekan's router (config/router.js, route `board`) finds the board by its id.
    """
    return f"{base.rstrip('/')}/b/{quote(board_id, safe='')}/{quote(slug or 'board', safe='')}"


def card_url(base: str, board_id: str, slug: str | None, card_id: str) -> str:
    """The card opened on its board: `<ROOT_URL>/b/<boardId>/<slug>/<cardId>`, as
    `buildCardRelativeUrl` in W models/lib/cardUrl.js (v11.07), behind `Cards.absoluteUrl`."""
    return f"{board_url(base, board_id, slug)}/{quote(card_id, safe='')}"


def card(
    doc: dict[str, Any], board_id: str = "", list_id: str = "", *, base: str = "",
    slug: str | None = None,
) -> Card:
    found_board = str(doc.get("boardId") or board_id)
    return Card(
        id=str(doc["_id"]),
        board_id=found_board,
        list_id=str(doc.get("listId") or list_id),
        title=str(doc.get("title") or ""),
        due_at=parse_date(doc.get("dueAt")),
        assignees=_ids(doc.get("assignees")),
        members=_ids(doc.get("members")),
        archived=bool(doc.get("archived", False)),
        url=card_url(base, found_board, slug, str(doc["_id"])) if base else "",
    )


def board_list(doc: dict[str, Any]) -> BoardList:
    def text(key: str) -> str | None:
        value = doc.get(key)
        return value if isinstance(value, str) else None

    return BoardList(
        id=str(doc["_id"]),
        title=str(doc.get("title") or ""),
        modified_at=text("modifiedAt"),
        cards_modified_at=text("cardsModifiedAt"),
    )


def person(doc: dict[str, Any]) -> Person:
    profile = doc.get("profile")
    fullname = profile.get("fullname") if isinstance(profile, dict) else None
    return Person(
        id=str(doc["_id"]),
        username=str(doc.get("username") or ""),
        display_name=str(fullname or ""),
    )
