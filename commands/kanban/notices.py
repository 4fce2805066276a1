"""What a room is told about its board: one sentence per event, in the room's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import N_, Translator
from bot.ports.boards import Card, CardChange
from commands.kanban.text import card_label, safe

# (with an actor, without one): webhooks name who did it, polling cannot know.
_SENTENCES: dict[CardChange, tuple[str, str]] = {
    CardChange.CREATED: (
        N_("{actor} created {card} in {list}."), N_("New card {card} in {list}.")
    ),
    CardChange.MOVED: (
        N_("{actor} moved {card} from {old_list} to {list}."),
        N_("{card} moved from {old_list} to {list}."),
    ),
    CardChange.COMMENTED: (
        N_("{actor} commented on {card}: {comment}"),
        N_("New comment on {card}: {comment}"),
    ),
    CardChange.ARCHIVED: (N_("{actor} archived {card}."), N_("{card} was archived.")),
}
_DUE_SET = (
    N_("{actor} set the due date of {card} to {due}."),
    N_("The due date of {card} is now {due}."),
)
_DUE_CLEARED = (
    N_("{actor} removed the due date of {card}."),
    N_("The due date of {card} was removed."),
)


@dataclass(frozen=True, slots=True)
class Notice:
    kind: CardChange
    card: Card
    list_title: str = ""
    old_list_title: str = ""
    actor: str | None = None
    comment: str | None = None


def render(notice: Notice, t: Translator, tz: ZoneInfo) -> str:
    pair = _SENTENCES.get(notice.kind)
    if notice.kind is CardChange.DUE_CHANGED:
        pair = _DUE_SET if notice.card.due_at else _DUE_CLEARED
    assert pair is not None
    with_actor, without = pair
    params = {
        "card": card_label(notice.card.title, notice.card.id, url=notice.card.url),
        "list": safe(notice.list_title or "?"),
        "old_list": safe(notice.old_list_title or "?"),
        "comment": safe(notice.comment or ""),
        "due": _when(notice.card.due_at, t, tz),
    }
    if notice.actor:
        return t.t(with_actor, actor=safe(notice.actor, 60), **params)
    return t.t(without, **params)


def _when(moment: datetime | None, t: Translator, tz: ZoneInfo) -> str:
    return t.datetime(moment.astimezone(tz), "short") if moment else ""
