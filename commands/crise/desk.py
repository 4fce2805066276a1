"""What every part of the crisis slice shares: the store, the ports, the clock, the fiche."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.config import Settings
from bot.errors import ServiceUnavailable
from bot.i18n import Catalogs, Translator
from bot.models import Message
from bot.ports import ChatPort, Clock
from bot.ports.boards import (
    BOARD_PORT,
    ROOM_BOARD_LINKS,
    BoardPort,
    BoardsError,
    RoomBoardLinks,
)
from bot.ports.files import FILES_PORT, FilesError, FilesPort
from bot.ports.meetings import MEETING_PORT, MeetingPort
from bot.services import Services
from commands.crise import texts
from commands.crise.metrics import CrisisMetrics
from commands.crise.settings import CrisisSettings
from commands.crise.store import Cell, Cells, EntryKind, Journal

log = logging.getLogger(__name__)
# What a step may meet at an outside service: the cell goes on without it, and says so.
SERVICE_FAILURES = (ServiceUnavailable, FilesError, BoardsError)


@dataclass
class CrisisDesk:
    chat: ChatPort
    services: Services
    cells: Cells
    journal: Journal
    catalogs: Catalogs
    settings: Settings
    crisis: CrisisSettings
    clock: Clock
    metrics: CrisisMetrics
    fault_hook: Any = field(default=None)  # tests only: called with each step's name

    @property
    def t(self) -> Translator:
        """The cell's shared texts speak the platform's default language."""
        return self.catalogs.get(None)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def meetings(self) -> MeetingPort | None:
        return self.services.optional(MEETING_PORT)

    @property
    def files(self) -> FilesPort | None:
        return self.services.optional(FILES_PORT)

    @property
    def boards(self) -> BoardPort | None:
        return self.services.optional(BOARD_PORT)

    @property
    def board_links(self) -> RoomBoardLinks | None:
        return self.services.optional(ROOM_BOARD_LINKS)

    def reached(self, step: str) -> None:
        """Marks the moment a step is recorded (the crash test stops the process here)."""
        log.info("crisis step done", extra={"step": step})
        if self.fault_hook is not None:
            self.fault_hook(step)

    async def log(self, cell: Cell, kind: EntryKind, author: str, text: str, *,
                  ref: str, at: datetime | None = None) -> bool:
        return await self.journal.add(cell.id, kind=kind, author=author, text=text,
                                      at=at or self.now(), ref=ref)

    async def refresh_fiche(self, cell_id: int) -> None:
        """The pinned fiche, edited in place: never a new message."""
        cell = await self.cells.get(cell_id)
        if cell is None or cell.room_id is None or not cell.get("fiche_id"):
            return
        members = await self.cells.members(cell.id)
        text = texts.fiche(self.t, cell, members, self.settings.tz)
        try:
            await self.chat.update_message(cell.room_id, cell.get("fiche_id"), text)
        except Exception:  # the fiche is a convenience: the cell goes on
            log.warning("could not update the fiche", extra={"cell": cell.id}, exc_info=True)

    async def post(self, cell: Cell, text: str, key: str) -> None:
        if cell.room_id is not None:
            await self.chat.send(cell.room_id, Message(text=text, idempotency_key=key))

    async def missing(self, cell: Cell, service: str, *, present: bool) -> Cell:
        """Notes (or clears) a service the cell could not use."""
        return await self.cells.note_missing(cell.id, service, present=present)
