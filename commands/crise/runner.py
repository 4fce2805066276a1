"""Runs a cell's opening or closing, one run per cell at a time, and resumes at start what
a crash interrupted."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from commands.crise.closing import close_cell
from commands.crise.desk import CrisisDesk
from commands.crise.opening import open_cell
from commands.crise.store import Cell, Status

log = logging.getLogger(__name__)


class CellRunner:
    def __init__(self, desk: CrisisDesk) -> None:
        self.desk = desk
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def _fresh(self, cell: Cell) -> Cell:
        return await self.desk.cells.get(cell.id) or cell

    async def open(self, cell: Cell) -> Cell:
        async with self._locks[cell.id]:
            return await open_cell(self.desk, await self._fresh(cell))

    async def close(self, cell: Cell, closer: str, bilan: str) -> Cell:
        async with self._locks[cell.id]:
            fresh = await self._fresh(cell)
            if fresh.status is Status.CLOSED:
                return fresh
            return await close_cell(self.desk, fresh, closer, bilan)

    async def resume(self, cell: Cell) -> Cell:
        """Whatever the cell still lacks: the rest of its opening, or of its closing."""
        fresh = await self._fresh(cell)
        if fresh.status in (Status.CLOSING, Status.CLOSED):
            return await self.close(fresh, fresh.get("closed_by", fresh.opened_by), fresh.bilan)
        return await self.open(fresh)

    async def resume_unfinished(self) -> None:
        """At start on the leader: cells a crash left half-opened or half-closed."""
        cells = await self.desk.cells.unfinished()
        open_now = len(await self.desk.cells.open_cells())
        self.desk.metrics.open_cells.set(open_now)
        for cell in cells:
            try:
                await self.resume(cell)
                log.info("crisis cell resumed", extra={"cell": cell.id})
            except Exception:  # one cell failing never stops the others
                log.exception("crisis cell not resumed", extra={"cell": cell.id})
