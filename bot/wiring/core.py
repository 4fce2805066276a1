"""Help, language preference, and housekeeping of the dedupe table."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.dates import parse_datetime
from bot.i18n import Catalogs
from bot.runtime import Runtime
from bot.store.repositories import AuditLog, Preferences, ProcessedMessages
from commands import aide, langue

DEDUPE_RETENTION = timedelta(days=7)


async def install(runtime: Runtime) -> None:
    runtime.routers += [aide.router, langue.router]
    runtime.services.register(Catalogs, runtime.catalogs)
    runtime.services.register(Preferences, Preferences(runtime.database))
    runtime.services.register(AuditLog, AuditLog(runtime.database))
    processed = ProcessedMessages(runtime.database)
    runtime.services.register(ProcessedMessages, processed)

    async def prune() -> None:
        await processed.forget_older_than(DEDUPE_RETENTION)

    runtime.scheduler.every("dedupe-prune", 3600, prune)

    async def warm_up_dates() -> None:
        # dateparser loads its language data on first use (~0.1 s): not on a user's command.
        await asyncio.to_thread(
            parse_datetime, "demain 10h", runtime.clock.now(), runtime.settings.tz
        )

    runtime.on_start.append(warm_up_dates)
