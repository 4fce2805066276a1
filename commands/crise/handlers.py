"""/crise (/crisis): a crisis cell's life cycle from chat; every step goes to the log."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from bot.context import Context
from bot.dates import END_OF_WORKING_DAY, parse_duration, read_datetime
from bot.errors import ArgumentError, UserFacingError
from bot.i18n import N_
from bot.models import Message
from bot.ports.boards import NotFound, Person, is_open
from bot.routing import Permission, Router, argument, option
from commands.crise import texts
from commands.crise.access import NOT_A_CELL, crisis_role, leading_cell, member_cell
from commands.crise.cards import CardLog
from commands.crise.desk import SERVICE_FAILURES, CrisisDesk
from commands.crise.documents import main_courante
from commands.crise.opening import board_member, personal_link, role_dm, share_folder
from commands.crise.roster import resolve, room_name
from commands.crise.runner import CellRunner
from commands.crise.store import Cell, EntryKind, Role

log_ = logging.getLogger(__name__)
router = Router()
MAX_TEXT = 2000
MAX_TITLE = 120
JOURNAL_DEFAULT, JOURNAL_MAX = 10, 50
SECTION = re.compile(r"\b(situation|actions|besoins|needs)\s*:", re.IGNORECASE)
ROLES = {"pilote": Role.PILOTE, "pilot": Role.PILOTE, "secretaire": Role.SECRETAIRE,
         "secrétaire": Role.SECRETAIRE, "secretary": Role.SECRETAIRE,
         "communication": Role.COMMUNICATION}


def _severity(value: str, _ctx: Context) -> int:
    if value not in ("1", "2", "3"):
        raise ArgumentError(N_("The severity is 1, 2 or 3 (1 is the most severe)."))
    return int(value)


def _capped(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise ArgumentError(N_("At most {count} characters, please."), count=MAX_TEXT)
    return text


@router.command(
    "crise",
    aliases=("crisis",),
    help=N_("Crisis cell: open, log, status updates, actions, roles, close with a report"),
    examples=("/crise ouvrir Inondation du datacenter --gravite 1 --avec @jean #support",
              "/crise statut"),
)
async def crise(ctx: Context, desk: CrisisDesk) -> None:
    cell = await desk.cells.by_room(ctx.room.id)
    if cell is None or not cell.is_open:
        await liste(ctx, desk)
        return
    await statut(ctx, desk)


@crise.subcommand(
    "ouvrir", aliases=("open",), permission=Permission.CRISIS,
    help=N_("Open a crisis cell: private room, meeting, shared folder, board, log"),
    examples=("/crise ouvrir Panne messagerie --gravite 2 --avec astreinte-si @jean",),
)
@argument("titre", greedy=True, metavar=N_("title"), help=N_("what the crisis is about"))
@option("gravite", aliases=("severity",), parser=_severity, metavar="1|2|3",
        help=N_("severity, 1 the most severe (2 by default)"))
@option("avec", aliases=("with",), multiple=True, metavar=N_("members"),
        help=N_("@people, #rooms (their members) and rosters to invite"))
async def ouvrir(ctx: Context, desk: CrisisDesk, runner: CellRunner, *, titre: str,
                 gravite: int | None, avec: list[str]) -> None:
    if len(titre) > MAX_TITLE:
        raise ArgumentError(N_("A cell's title has at most {count} characters."),
                            count=MAX_TITLE)
    severity = gravite or 2
    replayed = await desk.cells.by_origin(ctx.event.message_id)
    if replayed is not None:  # the same command again (a replay after a crash): resume
        await ctx.reply(_opened(ctx, await runner.resume(replayed)))
        return
    members = await resolve(ctx, avec, desk.crisis, severity)
    now = desk.now()
    base = room_name(titre, now)
    cell = None
    for attempt in range(50):
        name = base if attempt == 0 else f"{base}-{attempt + 1}"
        cell = await desk.cells.create(title=titre, severity=severity, room_name=name,
                                       opened_by=ctx.user.username,
                                       origin_room_id=ctx.room.id,
                                       origin_message_id=ctx.event.message_id, now=now,
                                       members=members)
        if cell is not None:
            break
    if cell is None:
        raise UserFacingError(N_("Too many cells with this title today; choose another one."))
    await ctx.reply(ctx.tn("Opening the crisis cell {title} with {count} member…",
                           "Opening the crisis cell {title} with {count} members…",
                           len(members), title=texts.safe(titre)))
    cell = await runner.open(cell)
    await ctx.reply(_opened(ctx, cell))


def _opened(ctx: Context, cell: Cell) -> str:
    lines = [ctx.t("Crisis cell open: #{room}", room=cell.get("room_name", cell.room_name))]
    lines += texts.links(ctx.translator, cell)
    if cell.missing:
        lines.append(ctx.t("Not available yet: {services}; /crise reprendre in the cell's "
                           "room completes it.", services=", ".join(cell.missing)))
    return "\n".join(lines)


@crise.subcommand("reprendre", aliases=("resume",),
                  help=N_("Retry what an earlier opening or closing could not do"))
async def reprendre(ctx: Context, desk: CrisisDesk, runner: CellRunner) -> None:
    cell = await desk.cells.by_room(ctx.room.id)
    if cell is None:
        # The cell's room may be what failed: from where it was opened.
        cells = [c for c in await desk.cells.unfinished()
                 if c.origin_room_id == ctx.room.id and c.opened_by == ctx.user.username]
        if not cells:
            raise UserFacingError(NOT_A_CELL)
        cell = cells[-1]
    elif cell.opened_by != ctx.user.username:
        cell = await leading_cell(ctx, desk, "reprendre")
    cell = await runner.resume(cell)
    if cell.missing:
        await ctx.reply(ctx.t("Still not available: {services}.",
                              services=", ".join(cell.missing)))
        return
    await ctx.reply(ctx.t("The cell is complete."))


@crise.subcommand("log", aliases=("note",), help=N_("Add an entry to the main courante"),
                  examples=("/crise log Préfecture prévenue",))
@argument("texte", greedy=True, parser=lambda v, _c: _capped(v), metavar=N_("text"))
async def log(ctx: Context, desk: CrisisDesk, texte: str) -> None:
    cell = await member_cell(ctx, desk)
    await desk.log(cell, EntryKind.LOG, ctx.user.username, texte,
                   ref=f"msg:{ctx.event.message_id}")
    await ctx.reply(ctx.t("Logged at {at}.", at=texts.when(ctx.translator, desk.now(),
                                                            ctx.settings.tz)))


def _sections(text: str) -> dict[str, str]:
    parts = SECTION.split(text)
    found = {"situation": parts[0].strip()} if parts[0].strip() else {}
    for name, body in zip(parts[1::2], parts[2::2], strict=False):
        key = "besoins" if name.lower() == "needs" else name.lower()
        found[key] = body.strip()
    return found


@crise.subcommand(
    "point", aliases=("update",),
    help=N_("Post a status update (situation, actions, needs); alone, shows the template"),
    examples=("/crise point situation: routes coupées actions: déviation besoins: 2 agents",),
)
@argument("texte", greedy=True, required=False, parser=lambda v, _c: _capped(v),
          metavar=N_("update"))
async def point(ctx: Context, desk: CrisisDesk, texte: str | None) -> None:
    cell = await leading_cell(ctx, desk, "point")
    if not texte:
        await ctx.reply(texts.status_template(ctx.translator))
        return
    sections = _sections(texte)
    t = desk.t
    body = "\n".join(t.t(texts.STATUS_LINE, label=t.t(label),
                         text=texts.safe(sections[name], MAX_TEXT))
                     for name, label in texts.STATUS_SECTIONS if sections.get(name))
    now = desk.now()
    text = t.t("Status update by @{user}", user=ctx.user.username) + f"\n{body}"
    await desk.post(cell, text, key=f"{ctx.event.message_id}:point")
    plain = " · ".join(t.t(texts.STATUS_PLAIN, label=t.t(label), text=sections[name])
                       for name, label in texts.STATUS_SECTIONS if sections.get(name))
    await desk.log(cell, EntryKind.STATUS_UPDATE, ctx.user.username, plain,
                   ref=f"msg:{ctx.event.message_id}")
    cell = await desk.cells.update(cell.id, last_status_at=now)
    await _broadcast(desk, cell, text, ctx.event.message_id)
    await _refresh_document(desk, cell)
    await desk.refresh_fiche(cell.id)


async def _broadcast(desk: CrisisDesk, cell: Cell, text: str, key: str) -> None:
    if not desk.crisis.announcement_room:
        return
    room = await desk.chat.room_by_name(desk.crisis.announcement_room)
    if room is None:
        return
    header = desk.t.t("Crisis cell {title}:", title=texts.safe(cell.title))
    await desk.chat.send(room.id, Message(text=f"{header}\n{text}",
                                          idempotency_key=f"{key}:announce"))


async def _refresh_document(desk: CrisisDesk, cell: Cell) -> None:
    files = desk.files
    if files is None or not cell.get("document_path"):
        return
    try:
        await files.upload(cell.get("document_path"), await main_courante(desk, cell))
    except SERVICE_FAILURES:  # the store stays the truth; the document catches up later
        log_.warning("main courante document not refreshed", exc_info=True)


def _due(ctx: Context, words: list[str]) -> datetime | None:
    if not words:
        return None
    return read_datetime(" ".join(words), ctx.clock.now(), ctx.settings.tz,
                         whole_day_at=END_OF_WORKING_DAY)


@crise.subcommand(
    "action", aliases=("task",),
    help=N_("An action on the cell's board, assigned, with its due date"),
    examples=("/crise action Prévenir la préfecture @jean --echeance 14h",),
)
@argument("texte", greedy=True, metavar=N_("text"))
@argument("qui", prefix="@", metavar=N_("who"), help=N_("the people in charge"))
@option("echeance", aliases=("due",), multiple=True, metavar=N_("when"),
        help=N_("due date, e.g. 14h or demain"))
async def action(ctx: Context, desk: CrisisDesk, cards: CardLog, *, texte: str,
                 qui: list[str], echeance: list[str]) -> None:
    cell = await member_cell(ctx, desk)
    due_at = _due(ctx, echeance)
    boards = desk.boards
    if boards is None or cell.board_id is None or not cell.get("lists"):
        raise UserFacingError(N_("This cell has no board yet (Wekan was not available); "
                                 "/crise reprendre may create it."))
    people: list[Person] = []
    for name in dict.fromkeys(qui):
        try:
            people.append(await boards.person(name))
        except NotFound:
            raise UserFacingError(N_("Wekan has no account named {name}."),
                                  name=name.removeprefix("@")) from None
    for someone in people:
        await boards.ensure_member(cell.board_id, someone)
    card = await boards.create_card(cell.board_id, cell.get("lists")[0], texte[:255],
                                    assignees=tuple(people), due_at=due_at)
    await cards.record(cell, card)
    who = ", ".join(f"@{p.username}" for p in people)
    text = f"{texte} → {who}" + (
        f" ({texts.when(desk.t, due_at, ctx.settings.tz)})" if due_at else "")
    await desk.log(cell, EntryKind.ACTION_CREATED, ctx.user.username, text,
                   ref=f"msg:{ctx.event.message_id}")
    await ctx.reply(ctx.t("Action created on the board, for {people}: {url}", people=who,
                          url=card.url or cell.get("board_url", "")))


@crise.subcommand("role", help=N_("Give a role: pilote, secretaire or communication"),
                  examples=("/crise role @jean secretaire",))
@argument("qui", metavar=N_("who"), help=N_("@username"))
@argument("role", metavar="pilote|secretaire|communication")
async def role(ctx: Context, desk: CrisisDesk, qui: str, role: str) -> None:
    given = ROLES.get(role.lower())
    if given is None:
        raise ArgumentError(N_("The roles are pilote, secretaire and communication."))
    cell = await leading_cell(ctx, desk, "role")
    username = qui.removeprefix("@")
    if username not in {m.username for m in await desk.cells.members(cell.id)}:
        raise UserFacingError(N_("@{user} is not a member of the cell: /crise membres +@{user} "
                                 "first."), user=username)
    await desk.cells.give_role(cell.id, username, given)
    shown = texts.role_name(desk.t, given)
    await desk.log(cell, EntryKind.ROLE_GIVEN, ctx.user.username, f"{shown}: @{username}",
                   ref=f"msg:{ctx.event.message_id}")
    await role_dm(desk, cell, username, given)
    await desk.refresh_fiche(cell.id)
    await ctx.reply(ctx.t("@{user} is now {role}; the instructions went by direct message.",
                          user=username, role=shown))


@crise.subcommand(
    "membres", aliases=("members",),
    help=N_("Add (+@x) or remove (-@y) members: invitation, meeting link, folder, board"),
    examples=("/crise membres +@jean -@luc",),
)
@argument("changes", greedy=True, metavar="+@x -@y")
async def membres(ctx: Context, desk: CrisisDesk, changes: str) -> None:
    cell = await leading_cell(ctx, desk, "membres")
    words = changes.split()
    if not words or any(w[:1] not in "+-" or len(w) < 2 for w in words):  # noqa: PLR2004
        raise ArgumentError(N_("Write +@name to add someone and -@name to remove them."))
    done = []
    for word in words:
        name = word[1:].removeprefix("@")
        if word.startswith("+"):
            done.append(await _add(ctx, desk, cell, name))
        else:
            done.append(await _remove(ctx, desk, cell, name))
    await desk.refresh_fiche(cell.id)
    await ctx.reply("\n".join(done))


async def _add(ctx: Context, desk: CrisisDesk, cell: Cell, name: str) -> str:
    user = await desk.chat.user_by_username(name)
    if user is None:
        raise UserFacingError(N_("There is nobody named @{user} here."), user=name)
    if not await desk.cells.add_member(cell.id, user.username, desk.now()):
        return ctx.t("@{user} is already a member.", user=user.username)
    assert cell.room_id is not None
    await desk.chat.invite(cell.room_id, user.id)
    member = next(m for m in await desk.cells.members(cell.id) if m.username == user.username)
    missing = []
    for service, step in (("Jitsi", personal_link(desk, cell, member)),
                          ("Nextcloud", share_folder(desk, cell, member)),
                          ("Wekan", board_member(desk, cell, user.username))):
        try:
            await step
        except SERVICE_FAILURES:
            missing.append(service)
    await desk.log(cell, EntryKind.MEMBER_ADDED, ctx.user.username, f"@{user.username}",
                   ref=f"msg:{ctx.event.message_id}:+{user.username}")
    added = ctx.t("@{user} added.", user=user.username)
    if missing:
        added += " " + ctx.t("Not done, for lack of {services}.", services=", ".join(missing))
    return added


async def _remove(ctx: Context, desk: CrisisDesk, cell: Cell, name: str) -> str:
    if name == cell.opened_by and not crisis_role(ctx):
        raise UserFacingError(N_("The cell's opener stays in it."))
    gone = await desk.cells.remove_member(cell.id, name)
    if gone is None:
        return ctx.t("@{user} is not a member.", user=name)
    user = await desk.chat.user_by_username(name)
    if user is not None and cell.room_id is not None:
        await desk.chat.kick(cell.room_id, user.id)
    if gone.share_id and desk.files is not None:
        try:
            await desk.files.delete_share(gone.share_id)
        except SERVICE_FAILURES:
            log_.warning("folder share not removed", extra={"cell": cell.id}, exc_info=True)
    await desk.log(cell, EntryKind.MEMBER_REMOVED, ctx.user.username, f"@{name}",
                   ref=f"msg:{ctx.event.message_id}:-{name}")
    return ctx.t("@{user} removed.", user=name)


@crise.subcommand(
    "rappel", aliases=("reminder",),
    help=N_("Snooze the status-update reminder (30min, 1h), stop it (off) or restart it (on)"),
    examples=("/crise rappel 1h", "/crise rappel off"),
)
@argument("quand", metavar="30min|1h|off|on")
async def rappel(ctx: Context, desk: CrisisDesk, quand: str) -> None:
    cell = await leading_cell(ctx, desk, "rappel")
    word = quand.lower()
    if word == "off":
        await desk.cells.update(cell.id, resources={"reminder_off": True})
        await ctx.reply(ctx.t("Reminders stopped for this cell; /crise rappel on restarts "
                              "them."))
        return
    if word == "on":
        await desk.cells.update(cell.id, resources={"reminder_off": False,
                                                    "snoozed_until": None})
        await ctx.reply(ctx.t("Reminders on again."))
        return
    length = parse_duration(quand)
    if length is None or length.total_seconds() <= 0:
        raise ArgumentError(N_("{value} is not a duration, e.g. 30min or 1h."), value=quand)
    until = desk.now() + length
    await desk.cells.update(cell.id, resources={"reminder_off": False,
                                                "snoozed_until": until.isoformat()})
    await ctx.reply(ctx.t("No reminder before {at}.",
                          at=texts.when(ctx.translator, until, ctx.settings.tz)))


@crise.subcommand("statut", aliases=("status",), help=N_("Summary of the cell"))
async def statut(ctx: Context, desk: CrisisDesk) -> None:
    cell = await member_cell(ctx, desk)
    t, tz, now = ctx.translator, ctx.settings.tz, desk.now()
    members = await desk.cells.members(cell.id)
    lines = [
        ctx.t("**{title}**, severity {severity}, open since {at} ({age})",
              title=texts.safe(cell.title), severity=cell.severity,
              at=texts.when(t, cell.opened_at, tz), age=texts.age(t, now - cell.opened_at)),
        ctx.t("Roles: {roles}", roles=texts.roles_line(t, members)),
        ctx.tn("{count} member", "{count} members", len(members)),
    ]
    if cell.last_status_at:
        lines.append(ctx.t("Last status update: {at} ({age} ago)",
                           at=texts.when(t, cell.last_status_at, tz),
                           age=texts.age(t, now - cell.last_status_at)))
    else:
        lines.append(ctx.t("No status update yet."))
    lines.append(await _open_actions(ctx, desk, cell))
    lines += texts.links(t, cell)
    await ctx.reply("\n".join(lines))


async def _open_actions(ctx: Context, desk: CrisisDesk, cell: Cell) -> str:
    boards = desk.boards
    if boards is None or cell.board_id is None:
        return ctx.t("Actions: no board.")
    try:
        lists = await boards.lists(cell.board_id)
        cards = [c for c in await boards.cards(cell.board_id) if is_open(c, lists)]
    except SERVICE_FAILURES:
        return ctx.t("Actions: Wekan is not answering.")
    return ctx.tn("{count} open action", "{count} open actions", len(cards))


@crise.subcommand("liste", aliases=("list",), help=N_("The open crisis cells you may see"))
async def liste(ctx: Context, desk: CrisisDesk) -> None:
    cells = (await desk.cells.open_cells() if crisis_role(ctx)
             else await desk.cells.open_cells_for(ctx.user.username))
    if not cells:
        await ctx.reply(ctx.t("No open crisis cell."))
        return
    t, tz = ctx.translator, ctx.settings.tz
    lines = [ctx.tn("{count} open crisis cell:", "{count} open crisis cells:", len(cells))]
    lines += [f"• #{c.get('room_name', c.room_name)} — {texts.safe(c.title)} — "
              + ctx.t("severity {severity}, since {at}", severity=c.severity,
                      at=texts.when(t, c.opened_at, tz)) for c in cells]
    await ctx.reply("\n".join(lines))


@crise.subcommand("journal", aliases=("log-show", "timeline"),
                  help=N_("The last entries of the main courante"),
                  examples=("/crise journal 20",))
@argument("n", required=False, metavar="n")
async def journal(ctx: Context, desk: CrisisDesk, n: str | None) -> None:
    cell = await member_cell(ctx, desk)
    if n is not None and not n.isdigit():
        raise ArgumentError(N_("{value} is not a number of entries."), value=n)
    count = min(int(n or JOURNAL_DEFAULT), JOURNAL_MAX) or JOURNAL_DEFAULT
    entries = await desk.journal.entries(cell.id, last=count)
    lines = [ctx.tn("The last {count} entry of the main courante:",
                    "The last {count} entries of the main courante:", len(entries))]
    lines += [texts.entry_line(ctx.translator, e, ctx.settings.tz) for e in entries]
    await ctx.reply("\n".join(lines))


@crise.subcommand(
    "clore", aliases=("close",),
    help=N_("Close the cell: report in its folder, folder read-only, room archived, RETEX"),
    examples=("/crise clore Service rétabli à 16h, cause: disque plein",),
)
@argument("bilan", greedy=True, required=False, parser=lambda v, _c: _capped(v),
          metavar=N_("assessment"))
async def clore(ctx: Context, desk: CrisisDesk, runner: CellRunner, bilan: str | None) -> None:
    cell = await leading_cell(ctx, desk, "clore")
    await ctx.reply(ctx.t("Closing the cell: report, read-only folder, archived room…"))
    cell = await runner.close(cell, ctx.user.username, bilan or "")
    if cell.missing:
        await ctx.dm(ctx.t("The cell is closed, without {services}: /crise reprendre in its "
                           "room completes the closing.", services=", ".join(cell.missing)))
