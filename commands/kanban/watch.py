"""Card events back into the linked rooms: from Wekan's webhooks, or by polling the boards.

Both paths keep the board snapshot up to date (and so do the bot's own writes), which is how
a change is told once: a webhook already announced it, or the bot made it itself. A webhook
reaches `on_board_changed` through the pipeline (its dedupe drops a delivery told already).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Settings
from bot.events import BoardChanged
from bot.i18n import Catalogs
from bot.models import Message
from bot.ports import ChatPort, Clock
from bot.ports.boards import BoardEvent, BoardList, BoardPort, Card, CardChange, NotFound
from commands.kanban.notices import Notice, render
from commands.kanban.store import BoardLinks, BoardSnapshots, CardState, Snapshot, ToldEvents

log = logging.getLogger(__name__)


def card_state(card: Card) -> CardState:
    return CardState(card.list_id, card.title, card.due_at.isoformat() if card.due_at else None)


class BoardWatch:
    def __init__(
        self,
        *,
        boards: BoardPort,
        links: BoardLinks,
        snapshots: BoardSnapshots,
        chat: ChatPort,
        catalogs: Catalogs,
        settings: Settings,
        clock: Clock,
        told: ToldEvents | None = None,
    ) -> None:
        self.told = told
        self.boards = boards
        self.links = links
        self.snapshots = snapshots
        self.chat = chat
        self.catalogs = catalogs
        self.settings = settings
        self.clock = clock
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    @asynccontextmanager
    async def _board(self, board_id: str) -> AsyncIterator[None]:
        async with self._locks[board_id]:
            yield

    # -- the bot's own writes -----------------------------------------------------------
    async def record(self, card: Card) -> None:
        """A change the bot made itself: Wekan sends no webhook, polling must stay quiet."""
        async with self._board(card.board_id):
            await self.snapshots.record_card(card.board_id, card.id, card_state(card))

    # -- webhooks ------------------------------------------------------------------------
    async def on_board_changed(self, changed: BoardChanged) -> None:
        event = changed.board
        rooms = await self.links.rooms_for(event.board_id)
        if rooms:
            await self._tell_event(event, rooms)

    async def _tell_event(self, event: BoardEvent, rooms: list[str]) -> None:
        async with self._board(event.board_id):
            card = await self.boards.card(event.card_id)
            titles = {x.id: x.title for x in await self.boards.lists(event.board_id)}
            state = None if card.archived else card_state(card)
            await self.snapshots.record_card(event.board_id, card.id, state)
        notice = Notice(
            kind=event.kind, card=card,
            list_title=titles.get(event.list_id or card.list_id, ""),
            old_list_title=titles.get(event.old_list_id or "", ""),
            actor=event.actor_name or event.actor_username, comment=event.comment,
        )
        await self._post(rooms, notice, f"wekan:{event.key}")

    # -- polling -------------------------------------------------------------------------
    async def poll_all(self) -> None:
        for board_id in sorted({link.board_id for link in await self.links.all()}):
            try:
                await self.poll(board_id)
            except Exception:  # one board failing never stops the others
                log.exception("polling a board failed", extra={"board": board_id})

    async def baseline(self, board_id: str) -> None:
        """Takes the board as it is now; later polls report what changes from here."""
        async with self._board(board_id):
            lists = await self.boards.lists(board_id)
            cards = await self.boards.cards(board_id)
            await self.snapshots.save(Snapshot(
                board_id, _marks(lists), {c.id: card_state(c) for c in cards}
            ))

    async def poll(self, board_id: str) -> list[Notice]:
        async with self._board(board_id):
            notices = await self._changes(board_id)
        rooms = await self.links.rooms_for(board_id)
        for notice in notices:
            key = f"poll:{board_id}:{notice.card.id}:{notice.kind}:{card_state(notice.card)}"
            await self._post(rooms, notice, key)
        return notices

    async def _changes(self, board_id: str) -> list[Notice]:
        lists = await self.boards.lists(board_id)
        before = await self.snapshots.get(board_id)
        marks = _marks(lists)
        # Lists carry their change times from Wekan 10.72 on; before that, read the cards.
        dated = all(x.modified_at is not None for x in lists)
        if before is not None and dated and before.lists == marks:
            return []  # no list and no card in it changed: no card read at all
        cards = {c.id: c for c in await self.boards.cards(board_id)}
        await self.snapshots.save(Snapshot(
            board_id, marks, {i: card_state(c) for i, c in cards.items()}
        ))
        if before is None:
            return []
        titles = {x.id: x.title for x in lists}
        notices = [_notice(c, before.cards.get(i), titles) for i, c in cards.items()]
        found = [n for n in notices if n is not None]
        for gone in sorted(before.cards.keys() - cards.keys()):
            archived = await self._archived(gone, board_id)
            if archived is not None:
                found.append(Notice(CardChange.ARCHIVED, archived))
        return found

    async def _archived(self, card_id: str, board_id: str) -> Card | None:
        try:
            card = await self.boards.card(card_id)
        except NotFound:
            return None  # deleted: nothing the room needs to hear
        return card if card.archived and card.board_id == board_id else None

    async def _post(self, rooms: list[str], notice: Notice, key: str) -> None:
        text = render(notice, self.catalogs.get(None), self.settings.tz)
        for room_id in rooms:
            await self.chat.send(room_id, Message(text=text, idempotency_key=f"{key}:{room_id}"))
        if rooms and self.told is not None:  # counted in the digests of the rooms' people
            await self.told.record(notice.card.board_id, notice.kind, self.clock.now())


def _marks(lists: list[BoardList]) -> dict[str, str]:
    return {x.id: f"{x.modified_at}|{x.cards_modified_at}" for x in lists}


def _notice(card: Card, before: CardState | None, titles: dict[str, str]) -> Notice | None:
    if before is None:
        return Notice(CardChange.CREATED, card, list_title=titles.get(card.list_id, ""))
    if before.list_id != card.list_id:
        return Notice(CardChange.MOVED, card, list_title=titles.get(card.list_id, ""),
                      old_list_title=titles.get(before.list_id, ""))
    if before.due_at != card_state(card).due_at:
        return Notice(CardChange.DUE_CHANGED, card)
    return None
