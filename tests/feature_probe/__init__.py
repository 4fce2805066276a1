"""A feature written the way a new slice is: a router, a table with its own migration, a
scheduled job and a webhook route, all in this package. Nothing outside it names it; a test
enables it by listing it next to the default features."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from aiohttp import web
from sqlalchemy import DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from bot.context import Context
from bot.feature import Feature
from bot.i18n import N_
from bot.routing import Router, argument
from bot.runtime import Runtime
from bot.store import Base, Database
from bot.store.tables import utcnow

ROUTE = "/hooks/probe"
TICK_SECONDS = 0.05
router = Router()


class ProbeNote(Base):
    """Declared on the core's metadata, created by this package's own revision."""

    __tablename__ = "probe_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text: Mapped[str] = mapped_column(String(200))
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Notes:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, text: str) -> int:
        async with self._db.session() as session:
            note = ProbeNote(text=text, written_at=utcnow())
            session.add(note)
            await session.flush()
            return note.id

    async def count(self) -> int:
        async with self._db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(ProbeNote)) or 0)


class Ticks:
    """What the scheduled job did, for the test to see."""

    def __init__(self) -> None:
        self.count = 0

    async def tick(self) -> None:
        self.count += 1


@router.command("note", help=N_("command"))
@argument("texte", greedy=True)
async def note(ctx: Context, notes: Notes, texte: str) -> None:
    number = await notes.add(texte)
    await ctx.reply(f"note {number}")


async def install(runtime: Runtime) -> None:
    notes, ticks = Notes(runtime.database), Ticks()
    runtime.provide(Notes, notes)
    runtime.provide(Ticks, ticks)
    runtime.scheduler.every("probe-tick", TICK_SECONDS, ticks.tick)

    async def count(_request: web.Request) -> web.Response:
        return web.json_response({"notes": await notes.count()})

    runtime.web.router.add_get(ROUTE, count)


feature = Feature(
    name="probe",
    routers=[router],
    migrations=Path(__file__).resolve().parent / "migrations",
    install=install,
)
