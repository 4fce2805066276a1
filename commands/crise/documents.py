"""The cell's documents in its Nextcloud folder: the main courante everyone co-edits, the
report written at closing (OpenDocument text, what French administrations open), the RETEX."""

from __future__ import annotations

import io
from datetime import datetime

from bot.i18n import Translator
from bot.ports.boards import Card
from commands.crise import texts
from commands.crise.desk import CrisisDesk
from commands.crise.store import Cell, Entry, EntryKind, Member

LOG_NAME = "main-courante.md"
RETEX_NAME = "RETEX.md"


def report_name(cell: Cell) -> str:
    return f"rapport-{cell.get('room_name', cell.room_name)}.odt"


def _entry_text(t: Translator, entry: Entry, desk: CrisisDesk) -> str:
    """An entry as plain text (a document, not a chat message: no Markdown escaping)."""
    return t.t(texts.ENTRY_LINE, at=texts.when(t, entry.at, desk.settings.tz),
               kind=t.t(texts.ENTRY_LABELS[entry.kind]), author=entry.author, text=entry.text)


async def main_courante(desk: CrisisDesk, cell: Cell) -> bytes:
    t = desk.t
    entries = await desk.journal.entries(cell.id)
    lines = [f"# {t.t('Main courante')}: {cell.title}", "",
             t.t("Written by the bot from the cell's log; it is rewritten at each status "
                 "update and at closing."), ""]
    lines += [f"- {_entry_text(t, e, desk)}" for e in entries]
    return ("\n".join(lines) + "\n").encode()


def retex_template(t: Translator, cell: Cell) -> bytes:
    sections = [t.t("What happened"), t.t("What went well"), t.t("What went wrong"),
                t.t("What we change, who, by when")]
    body = [f"# RETEX: {cell.title}", ""]
    for section in sections:
        body += [f"## {section}", "", "…", ""]
    return "\n".join(body).encode()


def _duration(t: Translator, start: datetime, end: datetime) -> str:
    return texts.age(t, end - start)


def report(desk: CrisisDesk, cell: Cell, members: list[Member], entries: list[Entry],
           cards: list[tuple[Card, str]]) -> bytes:
    """The closing report: title, severity, times, roles, members, every status update,
    the whole main courante, the actions and their final state, the bilan."""
    # odfpy only when a cell closes: 1.9 MiB that an idle bot does not carry.
    from odf.opendocument import OpenDocumentText  # noqa: PLC0415
    from odf.style import Style, TextProperties  # noqa: PLC0415
    from odf.text import H, List, ListItem, P, Span  # noqa: PLC0415

    t, tz = desk.t, desk.settings.tz
    doc = OpenDocumentText()
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    closed = cell.closed_at or desk.now()

    def heading(text: str, level: int = 2) -> None:
        doc.text.addElement(H(outlinelevel=level, text=text))

    def field(label: str, value: str) -> None:
        paragraph = P()
        paragraph.addElement(Span(stylename=bold, text=f"{label} "))
        paragraph.addText(value)
        doc.text.addElement(paragraph)

    def bullets(items: list[str]) -> None:
        if not items:
            doc.text.addElement(P(text=t.t("none")))
            return
        found = List()
        for item in items:
            entry = ListItem()
            entry.addElement(P(text=item))
            found.addElement(entry)
        doc.text.addElement(found)

    heading(t.t("Crisis cell report: {title}", title=cell.title), 1)
    field(t.t("Severity:"), t.t(texts.SEVERITY.get(cell.severity, texts.SEVERITY[2])))
    field(t.t("Opened:"), texts.when(t, cell.opened_at, tz))
    field(t.t("Closed:"), texts.when(t, closed, tz))
    field(t.t("Duration:"), _duration(t, cell.opened_at, closed))
    field(t.t("Room:"), f"#{cell.get('room_name', cell.room_name)}")
    heading(t.t("Roles"))
    bullets([f"{texts.role_name(t, m.role)}: @{m.username}" for m in members if m.role])
    heading(t.t("Members"))
    bullets([f"@{m.username}" for m in members])
    heading(t.t("Status updates"))
    bullets([_entry_text(t, e, desk) for e in entries if e.kind is EntryKind.STATUS_UPDATE])
    heading(t.t("Actions"))
    bullets([f"{card.title}: {state}" for card, state in cards])
    heading(t.t("Main courante"))
    bullets([_entry_text(t, e, desk) for e in entries])
    heading(t.t("Assessment"))
    doc.text.addElement(P(text=cell.bilan or t.t("none")))
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()

