"""A feature written the way a new slice is: a router, a table with its own migration, a
scheduled job and a webhook route, all in this package. Nothing outside it names it; a test
enables it by listing it next to the default features."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from sqlalchemy import Column, DateTime, Integer, String, Table, func, select

from bot.context import Context
from bot.feature import Feature
from bot.i18n import N_
from bot.routing import Router, argument
from bot.runtime import Runtime
from bot.store import Database
from bot.store.tables import metadata, utcnow

ROUTE = "/hooks/probe"
TICK_SECONDS = 0.05
router = Router()


# Declared on the core's metadata, created by this package's own revision.
PROBE_NOTES = Table(
    "probe_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("text", String(200), nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
)
COUNT = select(func.count()).select_from(PROBE_NOTES)


class Notes:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, text: str) -> int:
        added = PROBE_NOTES.insert().values(text=text, written_at=utcnow())
        return int(await self._db.scalar(added.returning(PROBE_NOTES.c.id)))

    async def count(self) -> int:
        return int(await self._db.scalar(COUNT) or 0)


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

    runtime.routes.add_get(ROUTE, count)


feature = Feature(
    name="probe",
    routers=[router],
    migrations=Path(__file__).resolve().parent / "migrations",
    install=install,
)
