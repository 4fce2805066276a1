"""Card changes shared by the REST routes and the simulated UI (control API).

Each one records the activity W records; `from_ui` says whether a DDP user made it, which is
what decides webhook delivery (W server/notifications/outgoing.js `if (this.userId)`).
"""

from __future__ import annotations

from datetime import datetime

from .ids import meteor_id
from .models import Board, Card, Comment
from .store import WekanStore


def create_card(
    store: WekanStore, board: Board, list_id: str, *, title: str, user_id: str,
    swimlane_id: str | None, description: str | None = None,
    members: list[str] | None = None, assignees: list[str] | None = None,
    dates: dict[str, datetime] | None = None, from_ui: bool,
) -> Card:
    """Bottom of the list (`sort` = count), next board card number."""
    now = store.clock()
    board.card_counter += 1
    card = Card(
        id=meteor_id(), board_id=board.id, list_id=list_id, swimlane_id=swimlane_id,
        title=title, user_id=user_id, sort=float(len(store.list_cards(list_id))),
        card_number=board.card_counter, created_at=now, modified_at=now,
        date_last_activity=now, description=description, members=members or [],
        assignees=assignees or [], dates=dates or {},
    )
    store.cards[card.id] = card
    store.record("createCard", user_id, board.id, from_ui=from_ui, card_id=card.id,
                 list_id=list_id, swimlane_id=swimlane_id)
    return card


def move_card(store: WekanStore, card: Card, list_id: str, user_id: str, *,
              from_ui: bool) -> None:
    """Same-board move to the top of the destination list (#5399, `computeTopSort`)."""
    sorts = [c.sort for c in store.list_cards(list_id) if c.id != card.id]
    old_list = card.list_id
    card.list_id, card.sort = list_id, (min(sorts) - 1 if sorts else 0.0)
    store.touch(card)
    store.record("moveCard", user_id, card.board_id, from_ui=from_ui, card_id=card.id,
                 list_id=list_id, old_list_id=old_list, swimlane_id=card.swimlane_id,
                 old_swimlane_id=card.swimlane_id)


def set_archived(store: WekanStore, card: Card, archived: bool, user_id: str, *,
                 from_ui: bool) -> None:
    card.archived = archived
    card.archived_at = store.clock() if archived else None
    store.touch(card)
    store.record("archivedCard" if archived else "restoredCard", user_id, card.board_id,
                 from_ui=from_ui, card_id=card.id, list_id=card.list_id,
                 swimlane_id=card.swimlane_id)


def set_due(store: WekanStore, card: Card, due: datetime | None, user_id: str, *,
            from_ui: bool) -> None:
    old = card.dates.get("dueAt")
    if due is None:
        card.dates.pop("dueAt", None)
    else:
        card.dates["dueAt"] = due
    store.touch(card)
    store.record("a-dueAt", user_id, card.board_id, from_ui=from_ui, card_id=card.id,
                 list_id=card.list_id, swimlane_id=card.swimlane_id, time_value=due,
                 time_old_value=old)


def add_comment(store: WekanStore, card: Card, user_id: str, text: str, *,
                from_ui: bool) -> Comment:
    # W server/models/cardComments.js inserts with CardComments.direct.insertAsync and
    # commentCreation only inserts the activity: the card (so cardsModifiedAt) is untouched.
    comment = store.new_comment(card, user_id, text)
    store.record("addComment", user_id, card.board_id, from_ui=from_ui, card_id=card.id,
                 list_id=card.list_id, swimlane_id=card.swimlane_id, comment_id=comment.id)
    return comment
