"""RÉUNIONS as a slice: /reunion, the call button, the meetings table and its reminders."""

from __future__ import annotations

from pathlib import Path

from bot.digest import DigestSections
from bot.feature import Feature
from bot.ports.calls import CALL_PORT
from bot.ports.meetings import MEETING_PORT
from bot.runtime import Runtime
from bot.store.repositories import Preferences
from commands.reunion.calls import CallDesk
from commands.reunion.desk import MeetingDesk
from commands.reunion.digest import MeetingsSection
from commands.reunion.handlers import router
from commands.reunion.reminders import Reminders
from commands.reunion.settings import MeetingSettings
from commands.reunion.store import Meetings


async def install(runtime: Runtime) -> None:
    store = Meetings(runtime.database)
    desk = MeetingDesk(
        chat=runtime.chat,
        store=store,
        catalogs=runtime.catalogs,
        preferences=Preferences(runtime.database),
        services=runtime.services,
        clock=runtime.clock,
        settings=runtime.settings,
    )
    reminders = Reminders(desk, runtime.scheduler)
    runtime.provide(Meetings, store)
    runtime.provide(MeetingDesk, desk)
    runtime.provide(Reminders, reminders)
    runtime.provide(CALL_PORT, CallDesk(desk))  # the chat's video provider asks it
    runtime.on_start.append(reminders.restore)
    runtime.services.get(DigestSections).add(MeetingsSection(store))


feature = Feature(
    name="meetings",
    routers=[router],
    migrations=Path(__file__).resolve().parent / "migrations",
    install=install,
    needs=[MEETING_PORT],
    settings=MeetingSettings,
    settings_section="jitsi",
)
