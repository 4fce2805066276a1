"""Card moves on a cell's board into its main courante, from Wekan's webhook (a
`BoardChanged` through the pipeline) or from reading the board: the card snapshot kept with
the cell tells each move once, whichever path saw it first."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from bot.events import BoardChanged
from bot.ports.boards import Card, done_list
from commands.crise.desk import SERVICE_FAILURES, CrisisDesk
from commands.crise.store import Cell, EntryKind

log = logging.getLogger(__name__)


class CardLog:
    def __init__(self, desk: CrisisDesk) -> None:
        self.desk = desk
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def record(self, cell: Cell, card: Card) -> None:
        """A card the bot made itself: known, not told again."""
        async with self._locks[cell.id]:
            fresh = await self.desk.cells.get(cell.id)
            cards = dict((fresh or cell).get("cards", {}))
            cards[card.id] = card.list_id
            await self.desk.cells.update(cell.id, resources={"cards": cards})

    async def on_board_changed(self, changed: BoardChanged) -> None:
        cell = await self.desk.cells.by_board(changed.board.board_id)
        if cell is None or not cell.is_open or self.desk.boards is None:
            return
        card = await self.desk.boards.card(changed.board.card_id)
        await self._compare(cell, [card], changed.board.actor_username)

    async def poll(self) -> None:
        for cell in await self.desk.cells.open_cells():
            if cell.board_id is None or self.desk.boards is None:
                continue
            try:
                cards = await self.desk.boards.cards(cell.board_id)
                await self._compare(cell, cards, None)
            except SERVICE_FAILURES:  # one board failing never stops the others
                log.warning("crisis board not read", extra={"cell": cell.id}, exc_info=True)

    async def _compare(self, cell: Cell, cards: list[Card], actor: str | None) -> None:
        boards = self.desk.boards
        assert boards is not None and cell.board_id is not None
        async with self._locks[cell.id]:
            fresh = await self.desk.cells.get(cell.id)
            if fresh is None:
                return
            known: dict[str, str] = dict(fresh.get("cards", {}))
            changed = [c for c in cards if known.get(c.id) != c.list_id and not c.archived]
            if not changed:
                return
            lists = await boards.lists(cell.board_id)
            titles = {x.id: x.title for x in lists}
            done = done_list(lists)
            for card in changed:
                before = known.get(card.id)
                kind = (EntryKind.ACTION_CREATED if before is None
                        else EntryKind.ACTION_DONE if done and card.list_id == done.id
                        else EntryKind.ACTION_MOVED)
                text = self.desk.t.t("{card} → {list}", card=card.title,
                                     list=titles.get(card.list_id, "?"))
                await self.desk.log(fresh, kind, actor or "wekan", text,
                                    ref=f"card:{card.id}:{before}:{card.list_id}:"
                                        f"{self.desk.now().isoformat()}")
                known[card.id] = card.list_id
            await self.desk.cells.update(cell.id, resources={"cards": known})
