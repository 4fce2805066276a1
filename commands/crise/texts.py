"""What a cell says: the fiche, the topic, the role instructions, the log lines, in the
reader's language (the catalogs' crise domain)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import N_, Translator
from bot.sanitize import escape_markdown, one_line
from commands.crise.store import Cell, Entry, EntryKind, Member, Role

MAX_ECHO = 300

ROLE_NAMES = {
    Role.PILOTE: N_("pilot"),
    Role.SECRETAIRE: N_("secretary"),
    Role.COMMUNICATION: N_("communication"),
}
ROLE_INSTRUCTIONS = {
    Role.PILOTE: N_(
        "You are the pilot of the crisis cell {cell}. You decide and keep the tempo: post a "
        "status update with /crise point at least every {minutes} minutes, assign actions "
        "with /crise action, and close the cell with /crise clore when the crisis is over."
    ),
    Role.SECRETAIRE: N_(
        "You are the secretary of the crisis cell {cell}. You keep the main courante: log "
        "facts and decisions with /crise log (or pin messages with 📌), and help the pilot "
        "with the status updates (/crise point)."
    ),
    Role.COMMUNICATION: N_(
        "You are in charge of communication for the crisis cell {cell}. You prepare the "
        "messages for the outside from the status updates (/crise statut, /crise journal) "
        "and have them approved by the pilot."
    ),
}
ENTRY_LABELS = {
    EntryKind.OPENED: N_("opened"),
    EntryKind.MEMBER_ADDED: N_("member added"),
    EntryKind.MEMBER_REMOVED: N_("member removed"),
    EntryKind.ROLE_GIVEN: N_("role"),
    EntryKind.STATUS_UPDATE: N_("status update"),
    EntryKind.ACTION_CREATED: N_("action"),
    EntryKind.ACTION_MOVED: N_("action moved"),
    EntryKind.ACTION_DONE: N_("action done"),
    EntryKind.LOG: N_("log"),
    EntryKind.PINNED: N_("pinned"),
    EntryKind.REMINDER: N_("reminder"),
    EntryKind.CLOSED: N_("closed"),
}
ENTRY_LINE = N_("{at} — {kind} — @{author}: {text}")
SEVERITY = {1: N_("1 (critical)"), 2: N_("2 (major)"), 3: N_("3 (minor)")}


def safe(text: str, limit: int = MAX_ECHO) -> str:
    """Someone else's words echoed by the bot: one line, capped, nobody pinged."""
    return escape_markdown(one_line(text, limit), every_mention=True)


def role_name(t: Translator, role: Role) -> str:
    return t.t(ROLE_NAMES[role])


def when(t: Translator, moment: datetime, tz: ZoneInfo) -> str:
    return t.datetime(moment.astimezone(tz), "short")


def age(t: Translator, delta: timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:  # noqa: PLR2004
        return t.tn("{count} minute", "{count} minutes", minutes)
    hours = minutes // 60
    return t.tn("{count} hour", "{count} hours", hours)


def links(t: Translator, cell: Cell) -> list[str]:
    found = []
    if cell.get("meeting_url"):
        found.append(t.t("Meeting: {url}", url=cell.get("meeting_url")))
    if cell.get("folder_url"):
        found.append(t.t("Folder: {url}", url=cell.get("folder_url")))
    if cell.get("board_url"):
        found.append(t.t("Board: {url}", url=cell.get("board_url")))
    return found


def roles_line(t: Translator, members: list[Member]) -> str:
    held = [f"{role_name(t, m.role)} @{m.username}" for m in members if m.role]
    return ", ".join(held) or t.t("none")


def fiche(t: Translator, cell: Cell, members: list[Member], tz: ZoneInfo) -> str:
    """The pinned card of the cell, edited in place whenever something changes."""
    lines = [
        t.t("**Crisis cell: {title}**", title=safe(cell.title)),
        t.t("Severity: {severity}", severity=t.t(SEVERITY.get(cell.severity, SEVERITY[2]))),
        t.t("Opened {at} by @{user}", at=when(t, cell.opened_at, tz), user=cell.opened_by),
        t.t("Roles: {roles}", roles=roles_line(t, members)),
        t.tn("{count} member", "{count} members", len(members)),
        *links(t, cell),
    ]
    if cell.last_status_at:
        lines.append(t.t("Last status update: {at}", at=when(t, cell.last_status_at, tz)))
    if cell.missing:
        lines.append(t.t("Not available yet: {services} (/crise reprendre completes the cell)",
                         services=", ".join(cell.missing)))
    if cell.closed_at:
        lines.append(t.t("Closed {at}", at=when(t, cell.closed_at, tz)))
    return "\n".join(lines)


def topic(t: Translator, cell: Cell) -> str:
    return " · ".join([safe(cell.title, 80), *links(t, cell)])


def entry_line(t: Translator, entry: Entry, tz: ZoneInfo) -> str:
    return t.t(ENTRY_LINE, at=when(t, entry.at, tz), kind=t.t(ENTRY_LABELS[entry.kind]),
               author=entry.author, text=safe(entry.text, 1000))


STATUS_LINE = N_("**{label}**: {text}")  # a section of a status update, in the room
STATUS_PLAIN = N_("{label}: {text}")  # the same in the main courante
STATUS_SECTIONS = (
    ("situation", N_("Situation")),
    ("actions", N_("Actions in progress")),
    ("besoins", N_("Needs")),
)


def status_template(t: Translator) -> str:
    sections = "\n".join(f"{name}: …" for name, _label in STATUS_SECTIONS)
    return t.t("Copy, fill in and send:\n```\n/crise point\n{sections}\n```",
               sections=sections)
