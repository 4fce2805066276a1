"""RÉUNIONS: /reunion, the call button, the store of meetings and their reminders."""

from __future__ import annotations

import logging

from bot.ports.meetings import MEETING_PORT
from bot.runtime import Runtime
from bot.store.meetings import Meetings
from bot.store.repositories import Preferences
from commands import reunion
from integrations.jitsi import JitsiMeetings


async def install(runtime: Runtime) -> None:
    runtime.routers.append(reunion.router)
    settings = runtime.settings
    jitsi = settings.jitsi
    if jitsi.base_url is not None and jitsi.app_secret is not None:
        chat_url = str(settings.rocketchat.url) if settings.rocketchat.url else None
        runtime.services.register(MEETING_PORT, JitsiMeetings(jitsi, chat_url))
    else:
        logging.getLogger(__name__).info(
            "Jitsi is not configured (ENSEMBLE_JITSI__BASE_URL, ENSEMBLE_JITSI__APP_SECRET): "
            "/reunion will say so"
        )
    store = Meetings(runtime.database)
    desk = reunion.MeetingDesk(
        chat=runtime.chat,
        store=store,
        catalogs=runtime.catalogs,
        preferences=Preferences(runtime.database),
        services=runtime.services,
        clock=runtime.clock,
        settings=settings,
    )
    reminders = reunion.Reminders(desk, runtime.scheduler)
    runtime.services.register(Meetings, store)
    runtime.services.register(reunion.MeetingDesk, desk)
    runtime.services.register(reunion.Reminders, reminders)
    runtime.on_start.append(reminders.restore)
