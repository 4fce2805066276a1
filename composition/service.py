"""`ensemble-bot run`: the bot on the Rocket.Chat of the settings, until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal

from sqlalchemy.exc import SQLAlchemyError

from composition.root import build_service
from composition.settings import EnsembleSettings as Settings

log = logging.getLogger(__name__)


async def run_service(settings: Settings) -> int:
    application = build_service(settings)
    try:
        await application.prepare()
    except (OSError, SQLAlchemyError) as exc:
        # The URL may hold a password: name the variable, not its value.
        log.error(
            "cannot open the store given by ENSEMBLE_STORE__URL",
            extra={"reason": type(exc).__name__},
        )
        await application.database.close()
        return 1
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await application.start()
    log.info("ensemble bot running")
    await stopping.wait()
    log.info("stopping: draining commands in flight")
    await application.stop()
    return 0
