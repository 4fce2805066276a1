"""DIGESTS as a slice: /digest, its subscriptions and delivered periods, and the leader's
round that sends them. The sections come from the other features (bot.digest)."""

from __future__ import annotations

from pathlib import Path

from bot.digest import DigestSections
from bot.feature import Feature
from bot.runtime import Runtime
from bot.store.repositories import Preferences
from commands.digest.compose import Composer
from commands.digest.desk import DigestDesk
from commands.digest.handlers import router
from commands.digest.run import DigestMetrics, DigestRunner
from commands.digest.settings import DigestSettings
from commands.digest.store import Subscriptions


async def install(runtime: Runtime) -> None:
    settings = runtime.services.get(DigestSettings)
    store = Subscriptions(runtime.database)
    sections = runtime.services.get(DigestSections)
    composer = Composer(sections, runtime.chat)
    runner = DigestRunner(
        store=store, composer=composer, chat=runtime.chat, catalogs=runtime.catalogs,
        preferences=Preferences(runtime.database), settings=settings, core=runtime.settings,
        clock=runtime.clock, metrics=DigestMetrics(runtime.metrics),
    )
    desk = DigestDesk(store=store, runner=runner, sections=sections, composer=composer,
                      settings=runtime.settings, clock=runtime.clock)
    runtime.provide(Subscriptions, store)
    runtime.provide(DigestRunner, runner)
    runtime.provide(DigestDesk, desk)
    # The leader only (the scheduler runs there); the store decides who sends what.
    runtime.scheduler.every("digest-run", settings.check_seconds, runner.tick)


feature = Feature(
    name="digest",
    routers=[router],
    migrations=Path(__file__).resolve().parent / "migrations",
    install=install,
    settings=DigestSettings,
)
