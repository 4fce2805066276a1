"""Opening a cell, one recorded step at a time: a retry (a second `ouvrir`, `/crise
reprendre`, a restart after a crash) skips what is recorded and resumes at the first step
that is not, so nothing is made twice (Netflix Dispatch's `incident_create_resources`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.errors import ServiceNotConfigured
from bot.i18n import N_
from bot.models import Message, User
from bot.ports.boards import BoardPort, NotFound, Person
from bot.ports.chat import RoomNameTaken
from bot.ports.files import AlreadyExists, ShareKind, SharePermission, UnknownUser
from bot.ports.meetings import Attendee, MeetingRole
from commands.crise import documents, texts
from commands.crise.desk import SERVICE_FAILURES, CrisisDesk
from commands.crise.store import Cell, EntryKind, Member, Role, Status

log = logging.getLogger(__name__)
FAN_OUT = 16  # direct messages and shares in flight at once, each service's limits honoured
BOARD_LISTS = (N_("To do"), N_("In progress"), N_("Done"))


async def open_cell(desk: CrisisDesk, cell: Cell) -> Cell:
    cell = await _room(desk, cell)
    cell = await _fiche(desk, cell)
    # Steps 3 to 5 use three different services: side by side, each chain still recording
    # every resource before its next step (a 300-member roster waits for the slowest
    # service, not for the sum of the three). All three settle before a failure is raised:
    # a retry must not find an earlier service step still running beside its own.
    await _fan_out([_service(desk, cell, name, step) for name, step in SERVICES])
    cell = await desk.cells.get(cell.id) or cell
    cell = await _topic(desk, cell)
    return await _opened(desk, cell)


async def _service(desk: CrisisDesk, cell: Cell, service: str, step: Step) -> None:
    try:
        await step(desk, cell)
    except SERVICE_FAILURES as exc:
        log.warning("crisis cell opened without a service",
                    extra={"cell": cell.id, "service": service, "reason": str(exc)[:200]})
        await desk.missing(cell, service, present=False)
    else:
        await desk.missing(cell, service, present=True)


Step = Callable[[CrisisDesk, Cell], Awaitable[Cell]]


def _numbered(name: str, attempt: int) -> str:
    return name if attempt == 0 else f"{name}-{attempt + 1}"


async def _room(desk: CrisisDesk, cell: Cell) -> Cell:
    if cell.done("room"):
        return cell
    usernames = [m.username for m in await desk.cells.members(cell.id)]
    attempt = int(cell.get("room_attempt", 0))
    while True:
        name = _numbered(cell.room_name, attempt)
        tried = name in cell.get("room_tried", [])
        cell = await desk.cells.update(cell.id, resources={
            "room_attempt": attempt, "room_tried": [*cell.get("room_tried", []), name]})
        try:
            room = await desk.chat.create_private_room(name, usernames)
        except RoomNameTaken:
            # Taken by this cell's own earlier try (the answer was lost, or we crashed):
            # that room is ours. Otherwise someone else's: the next number.
            found = await desk.chat.room_by_name(name) if tried else None
            if found is None:
                attempt += 1
                continue
            room = found
        break
    cell = await desk.cells.update(cell.id, room_id=room.id, step="room",
                                   resources={"room_name": room.name})
    desk.reached("room")
    return cell


async def _fiche(desk: CrisisDesk, cell: Cell) -> Cell:
    assert cell.room_id is not None
    if not cell.done("fiche"):
        members = await desk.cells.members(cell.id)
        text = texts.fiche(desk.t, cell, members, desk.settings.tz)
        # The key makes the message's id: sent again after a crash, it is not posted twice.
        fiche_id = await desk.chat.send(
            cell.room_id, Message(text=text, idempotency_key=f"crise-{cell.id}:fiche"))
        cell = await desk.cells.update(cell.id, step="fiche", resources={"fiche_id": fiche_id})
        desk.reached("fiche")
    if not cell.done("fiche_pinned"):
        await desk.chat.pin_message(cell.get("fiche_id"))
        cell = await desk.cells.update(cell.id, step="fiche_pinned")
        await role_dm(desk, cell, cell.opened_by, Role.PILOTE)
    return cell


async def role_dm(desk: CrisisDesk, cell: Cell, username: str, role: Role) -> None:
    t = desk.t
    minutes = cell.reminder_minutes or desk.crisis.reminder_for(cell.severity)
    shown = "#" + cell.get("room_name", cell.room_name)
    text = t.t(texts.ROLE_INSTRUCTIONS[role], cell=shown, minutes=minutes)
    key = f"crise-{cell.id}:role:{role}:{username}:{await _role_round(desk, cell)}"
    await desk.chat.send_direct(username, Message(text=text, idempotency_key=key))


async def _role_round(desk: CrisisDesk, cell: Cell) -> int:
    """How many role entries the log has: a role given again later is told again."""
    entries = await desk.journal.entries(cell.id)
    return sum(1 for e in entries if e.kind is EntryKind.ROLE_GIVEN)


# -- the meeting ------------------------------------------------------------------------

async def _meeting(desk: CrisisDesk, cell: Cell) -> Cell:
    jitsi = desk.meetings
    if jitsi is None:
        raise ServiceNotConfigured("Jitsi")
    if not cell.done("meeting"):
        room = jitsi.new_room_name(cell.title)
        url = jitsi.public_url(room, subject=cell.title, language=desk.t.language)
        cell = await desk.cells.update(cell.id, step="meeting",
                                       resources={"meeting_room": room, "meeting_url": url})
        desk.reached("meeting")
    if not cell.done("meeting_links"):
        members = await desk.cells.members(cell.id)
        # One listing of the room instead of a user lookup per member (a 300-member roster).
        known = {u.username: u for u in await desk.chat.room_members(cell.room_id or "")}
        await _fan_out([personal_link(desk, cell, m, known.get(m.username)) for m in members])
        cell = await desk.cells.update(cell.id, step="meeting_links")
        desk.reached("meeting_links")
    return cell


async def personal_link(desk: CrisisDesk, cell: Cell, member: Member,
                        user: User | None = None) -> None:
    """The member's signed link, by direct message (a bearer credential: never in a room)."""
    jitsi = desk.meetings
    if jitsi is None or cell.get("meeting_ended") or not cell.get("meeting_room"):
        return
    t = desk.t
    now = desk.now()
    user = user or await desk.chat.user_by_username(member.username)
    role = MeetingRole.ORGANIZER if member.role is Role.PILOTE else MeetingRole.MEMBER
    link = jitsi.personal_link(
        cell.get("meeting_room"), subject=cell.title, language=t.language,
        attendee=Attendee(role, user.label if user else member.username,
                          user.id if user else None, member.username),
        now=now, expires_at=now + timedelta(days=desk.crisis.link_days),
    )
    shown = "#" + cell.get("room_name", cell.room_name)
    text = t.t("Crisis cell {cell}: your personal link to its meeting (do not share it): "
               "{url}", cell=shown, url=link.url)
    key = f"crise-{cell.id}:link:{member.username}"
    await desk.chat.send_direct(member.username, Message(text=text, idempotency_key=key))


async def _fan_out(jobs: list[object]) -> None:
    """Runs the coroutines a bounded number at a time; the first failure is raised after
    the others are done (what went out is not sent again: each message has its key)."""
    slots = asyncio.Semaphore(FAN_OUT)

    async def bounded(job: object) -> None:
        async with slots:
            await job  # type: ignore[misc]

    results = await asyncio.gather(*(bounded(job) for job in jobs), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        raise failures[0]


# -- the folder -------------------------------------------------------------------------

async def _folder(desk: CrisisDesk, cell: Cell) -> Cell:
    files = desk.files
    if files is None:
        raise ServiceNotConfigured("Nextcloud")
    if not cell.done("folder"):
        path = f"{desk.crisis.folder}/{cell.get('room_name', cell.room_name)}"
        await files.ensure_folder(path)
        document = f"{path}/{documents.LOG_NAME}"
        await files.upload(document, await documents.main_courante(desk, cell))
        folder = await files.stat(path)
        url = files.file_url(folder.file_id) if folder else ""
        cell = await desk.cells.update(cell.id, step="folder", resources={
            "folder_path": path, "document_path": document, "folder_url": url})
        desk.reached("folder")
    if not cell.done("shares"):
        members = await desk.cells.members(cell.id)
        await _fan_out([share_folder(desk, cell, m) for m in members if m.share_id is None])
        cell = await desk.cells.update(cell.id, step="shares")
        desk.reached("shares")
    return cell


async def share_folder(desk: CrisisDesk, cell: Cell, member: Member) -> None:
    """An internal share of the cell's folder, editable, for a member with an account."""
    files = desk.files
    path = cell.get("folder_path")
    if files is None or not path:
        return
    # Accounts are named as in the chat: shared straight away, one call per member; an
    # unknown account is a refusal to skip, not a search to make first.
    account = member.username
    try:
        share = await files.share_with(path, ShareKind.USER, account,
                                       SharePermission.editing(folder=True))
        share_id = share.id
    except UnknownUser:
        return  # no Nextcloud account: the member still has the room and the meeting
    except AlreadyExists:  # made before a crash, not recorded: find it
        shares = await files.list_shares(path)
        share_id = next((s.id for s in shares if s.recipient == account), "")
    await desk.cells.set_share(cell.id, member.username, share_id or None)


# -- the board --------------------------------------------------------------------------

async def _board(desk: CrisisDesk, cell: Cell) -> Cell:
    boards = desk.boards
    if boards is None:
        raise ServiceNotConfigured("Wekan")
    title = cell.get("room_name", cell.room_name)
    if not cell.done("board"):
        # Made before a crash but not recorded: the bot's board of that (unique) title.
        found = next((b for b in await boards.bot_boards() if b.title == title), None)
        board = found or await boards.create_board(title)
        board = await boards.board(board.id)  # with its address
        cell = await desk.cells.update(cell.id, board_id=board.id, step="board",
                                       resources={"board_url": board.url})
        desk.reached("board")
    board_id = cell.board_id
    assert board_id is not None
    if not cell.done("board_lists"):
        have = {x.title: x.id for x in await boards.lists(board_id)}
        ids = []
        for name in BOARD_LISTS:
            shown = desk.t.t(name)
            ids.append(have.get(shown) or (await boards.create_list(board_id, shown)).id)
        cell = await desk.cells.update(cell.id, step="board_lists",
                                       resources={"lists": ids, "cards": {}})
    if not cell.done("board_members"):
        members = await desk.cells.members(cell.id)
        people = await asyncio.gather(*(_person(boards, m.username) for m in members))
        await boards.ensure_members(board_id, [p for p in people if p is not None])
        links = desk.board_links
        if links is not None and cell.room_id:
            await links.link(cell.room_id, board_id, title, cell.opened_by)
        cell = await desk.cells.update(cell.id, step="board_members")
        desk.reached("board_members")
    return cell


async def _person(boards: BoardPort, username: str) -> Person | None:
    try:
        return await boards.person(username)
    except NotFound:
        return None  # no Wekan account


async def board_member(desk: CrisisDesk, cell: Cell, username: str) -> None:
    boards = desk.boards
    if boards is None or cell.board_id is None:
        return
    try:
        person = await boards.person(username)
    except NotFound:
        return  # no Wekan account
    await boards.ensure_member(cell.board_id, person)


# -- the end of the opening -------------------------------------------------------------

async def _topic(desk: CrisisDesk, cell: Cell) -> Cell:
    """The links in the room's topic; set again when `reprendre` brought a new one."""
    wanted = texts.topic(desk.t, cell)
    if cell.done("topic") and cell.get("topic") == wanted:
        return cell
    assert cell.room_id is not None
    await desk.chat.set_topic(cell.room_id, wanted)
    return await desk.cells.update(cell.id, step="topic", resources={"topic": wanted})


async def _opened(desk: CrisisDesk, cell: Cell) -> Cell:
    if cell.done("opened"):
        await desk.refresh_fiche(cell.id)
        return cell
    await desk.log(cell, EntryKind.OPENED, cell.opened_by,
                   desk.t.t("Cell opened: {title}", title=cell.title), ref="opened",
                   at=cell.opened_at)
    cell = await desk.cells.update(cell.id, status=Status.OPEN, step="opened")
    desk.metrics.opened.inc()
    desk.metrics.open_cells.inc()
    desk.metrics.time_to_open.observe((desk.now() - cell.opened_at).total_seconds())
    await desk.refresh_fiche(cell.id)
    desk.reached("opened")
    return cell


SERVICES: tuple[tuple[str, Step], ...] = (
    ("Jitsi", _meeting), ("Nextcloud", _folder), ("Wekan", _board))
