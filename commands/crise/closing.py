"""Closing a cell, in reverse and step-guarded like the opening: final entry, report in the
folder, shares read-only, board marked finished, meeting ended, room archived, RETEX asked."""

from __future__ import annotations

import logging

from bot.errors import ServiceNotConfigured
from bot.i18n import N_
from bot.models import Message
from bot.ports.boards import Card, done_list
from bot.ports.files import SharePermission
from commands.crise import documents
from commands.crise.desk import SERVICE_FAILURES, CrisisDesk
from commands.crise.store import Cell, EntryKind, Role, Status

log = logging.getLogger(__name__)


async def close_cell(desk: CrisisDesk, cell: Cell, closer: str, bilan: str) -> Cell:
    if not cell.done("closing"):
        text = desk.t.t("Cell closed.") + (f" {bilan}" if bilan else "")
        await desk.log(cell, EntryKind.CLOSED, closer, text, ref="closed")
        cell = await desk.cells.update(cell.id, status=Status.CLOSING, closed_at=desk.now(),
                                       bilan=bilan, step="closing",
                                       resources={"closed_by": closer})
        desk.reached("closing")
    for service, step in (("Nextcloud", _report), ("Nextcloud", _read_only),
                          ("Wekan", _board)):
        try:
            cell = await step(desk, cell)
        except SERVICE_FAILURES as exc:
            log.warning("crisis cell closed without a service",
                        extra={"cell": cell.id, "service": service, "reason": str(exc)[:200]})
            cell = await desk.missing(cell, service, present=False)
    cell = await _meeting(desk, cell)
    cell = await _room(desk, cell)
    cell = await _retex(desk, cell)
    if cell.status is not Status.CLOSED:
        cell = await desk.cells.update(cell.id, status=Status.CLOSED)
        desk.metrics.closed.inc()
        desk.metrics.open_cells.dec()
    return cell


async def _final_cards(desk: CrisisDesk, cell: Cell) -> list[tuple[Card, str]]:
    boards = desk.boards
    if boards is None or cell.board_id is None:
        return []
    try:
        lists = await boards.lists(cell.board_id)
        cards = await boards.cards(cell.board_id)
    except SERVICE_FAILURES:
        return []
    titles = {x.id: x.title for x in lists}
    done = done_list(lists)
    return [(c, titles.get(c.list_id, "?") + (" ✔" if done and c.list_id == done.id else ""))
            for c in cards]


async def _report(desk: CrisisDesk, cell: Cell) -> Cell:
    if cell.done("report"):
        return cell
    files = desk.files
    if files is None or not cell.get("folder_path"):
        raise ServiceNotConfigured("Nextcloud")
    members = await desk.cells.members(cell.id, active_only=False)
    entries = await desk.journal.entries(cell.id)
    content = documents.report(desk, cell, members, entries, await _final_cards(desk, cell))
    path = f"{cell.get('folder_path')}/{documents.report_name(cell)}"
    uploaded = await files.upload(path, content)
    await files.upload(cell.get("document_path"), await documents.main_courante(desk, cell))
    url = files.file_url(uploaded.file_id)
    cell = await desk.cells.update(cell.id, step="report", resources={"report_url": url})
    await desk.post(cell, desk.t.t("The cell's report is in its folder: {url}", url=url),
                    key=f"crise-{cell.id}:report")
    desk.reached("report")
    return cell


async def _read_only(desk: CrisisDesk, cell: Cell) -> Cell:
    if cell.done("read_only"):
        return cell
    files = desk.files
    if files is None or not cell.get("folder_path"):
        raise ServiceNotConfigured("Nextcloud")
    for share in await files.list_shares(cell.get("folder_path")):
        if share.recipient and share.permissions != SharePermission.READ:
            await files.update_share(share.id, permissions=SharePermission.READ)
    cell = await desk.cells.update(cell.id, step="read_only")
    desk.reached("read_only")
    return cell


async def _board(desk: CrisisDesk, cell: Cell) -> Cell:
    if cell.done("board_closed") or cell.board_id is None:
        return cell
    boards = desk.boards
    if boards is None:
        raise ServiceNotConfigured("Wekan")
    title = desk.t.t(N_("[closed] {room}"), room=cell.get("room_name", cell.room_name))
    await boards.rename_board(cell.board_id, title)
    cell = await desk.cells.update(cell.id, step="board_closed")
    desk.reached("board_closed")
    return cell


async def _meeting(desk: CrisisDesk, cell: Cell) -> Cell:
    """No personal link is handed out any more; those given expire on their own."""
    if cell.done("meeting_ended"):
        return cell
    return await desk.cells.update(cell.id, step="meeting_ended",
                                   resources={"meeting_ended": True})


async def _room(desk: CrisisDesk, cell: Cell) -> Cell:
    if cell.done("room_archived") or cell.room_id is None:
        return cell
    await desk.refresh_fiche(cell.id)
    await desk.post(cell, desk.t.t("The crisis cell is closed; this room stays readable."),
                    key=f"crise-{cell.id}:closed")
    await desk.chat.archive(cell.room_id)
    cell = await desk.cells.update(cell.id, step="room_archived")
    desk.reached("room_archived")
    return cell


async def _retex(desk: CrisisDesk, cell: Cell) -> Cell:
    if cell.done("retex"):
        return cell
    t = desk.t
    url = ""
    files = desk.files
    if files is not None and cell.get("folder_path"):
        try:
            path = f"{cell.get('folder_path')}/{documents.RETEX_NAME}"
            found = await files.stat(path)
            if found is None:
                found = await files.upload(path, documents.retex_template(t, cell))
            url = files.file_url(found.file_id)
        except SERVICE_FAILURES:
            log.warning("RETEX document not written", extra={"cell": cell.id}, exc_info=True)
    members = await desk.cells.members(cell.id, active_only=False)
    pilot = next((m.username for m in members if m.role is Role.PILOTE), cell.opened_by)
    where = url or t.t("the cell's room")
    shown = "#" + cell.get("room_name", cell.room_name)
    text = t.t("The crisis cell {cell} is closed. As its pilot, please write the RETEX "
               "(lessons learned) within two weeks, with the members: {where}",
               cell=shown, where=where)
    key = f"crise-{cell.id}:retex"
    await desk.chat.send_direct(pilot, Message(text=text, idempotency_key=key))
    cell = await desk.cells.update(cell.id, step="retex", resources={"retex_url": url})
    desk.reached("retex")
    return cell
