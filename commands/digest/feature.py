"""DIGESTS as a slice: /digest, its subscriptions and delivered periods, and the leader's
round that sends them. The sections come from the other features (bot.digest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.digest import DigestSections
from bot.feature import Feature
from bot.runtime import Runtime
from bot.store.repositories import Preferences
from commands.digest import parse
from commands.digest.compose import Composer
from commands.digest.desk import DigestDesk
from commands.digest.enrol import ENROL_SECONDS, RoleEnrolment
from commands.digest.handlers import router
from commands.digest.run import DigestMetrics, DigestRunner
from commands.digest.settings import DigestSettings
from commands.digest.store import Subscriptions

ENROL_DELAY = timedelta(seconds=10)
DELIVERIES_KEPT = timedelta(days=30)  # what the store keeps of the periods delivered


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

    async def prune() -> None:
        await store.forget_older_than(runtime.clock.now() - DELIVERIES_KEPT)

    runtime.scheduler.every("digest-prune", 3600, prune)
    enrolment = RoleEnrolment(desk, store, runtime.chat, settings)
    runtime.provide(RoleEnrolment, enrolment)
    if settings.roles:
        # A default schedule that does not read stops the start, naming the problem.
        parse.schedule(settings.default_schedule, runtime.clock.now(), runtime.settings.tz)

        async def enrol() -> None:
            await enrolment.run()

        async def soon() -> None:  # at each leadership, once connected, then every hour
            runtime.scheduler.at("digest-roles-now", datetime.now(UTC) + ENROL_DELAY, enrol)

        runtime.scheduler.every("digest-roles", ENROL_SECONDS, enrol)
        runtime.on_start.append(soon)


feature = Feature(
    name="digest",
    routers=[router],
    migrations=Path(__file__).resolve().parent / "migrations",
    install=install,
    settings=DigestSettings,
)
