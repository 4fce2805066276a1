"""The crisis part of a digest: the open cells the reader is in (all of them for the crisis
roles), each with its severity and the age of its last status update."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.digest import Recipient
from bot.i18n import Translator
from commands.crise.store import Cell, Cells
from commands.crise.texts import age, safe

MAX_LISTED = 15


@dataclass(frozen=True, slots=True)
class CellsData:
    cells: list[Cell]
    everything_for: frozenset[str]  # roles that see every open cell

    @property
    def rooms(self) -> Iterable[str]:
        return {cell.room_id for cell in self.cells if cell.room_id}

    def render(self, recipient: Recipient, t: Translator) -> str | None:
        everything = bool(recipient.roles & self.everything_for) and not recipient.is_room
        seen = [cell for cell in self.cells
                if everything or (cell.room_id is not None and cell.room_id in recipient.rooms)]
        if not seen:
            return None
        lines = [t.t("**Open crisis cells**")]
        for cell in seen[:MAX_LISTED]:
            if cell.last_status_at is None:
                status = t.t("no status update yet")
            else:
                status = t.t("last status update {age} ago",
                             age=age(t, recipient.until - cell.last_status_at))
            lines.append(t.t("• #{room}: {title} (severity {severity}), {status}",
                             room=cell.room_name, title=safe(cell.title),
                             severity=cell.severity, status=status))
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class CrisisSection:
    cells: Cells
    everything_for: frozenset[str]
    name: str = "crises"
    aliases: tuple[str, ...] = ("crisis", "cellules")

    async def gather(self, since: datetime, until: datetime, horizon: datetime) -> CellsData:
        return CellsData(await self.cells.open_cells(), self.everything_for)
