"""ACCUEIL and ÉCOGESTES as a slice: the welcome of newcomers, /bienvenue, the suggestions to
move heavy attachments to Nextcloud, /ecogestes and what they saved."""

from __future__ import annotations

from pathlib import Path

from bot.feature import Feature
from bot.i18n import Catalogs
from bot.runtime import Runtime
from bot.store.repositories import Preferences
from commands.accueil.arrivals import Activation
from commands.accueil.arrivals import router as welcome_router
from commands.accueil.ecogestes import Savings
from commands.accueil.ecogestes import router as ecogestes_router
from commands.accueil.settings import AccueilSettings
from commands.accueil.store import Arrivals, Ecogestes
from commands.accueil.welcome import Welcomer


async def install(runtime: Runtime) -> None:
    settings = runtime.services.get(AccueilSettings)
    arrivals, store = Arrivals(runtime.database), Ecogestes(runtime.database)
    activation, savings = Activation(), Savings(runtime.metrics.registry)
    runtime.provide(Arrivals, arrivals)
    runtime.provide(Ecogestes, store)
    runtime.provide(Activation, activation)
    runtime.provide(Savings, savings)
    runtime.provide(Welcomer, Welcomer(settings, runtime.services.get(Catalogs),
                                       runtime.services.get(Preferences), runtime.chat))

    async def start() -> None:
        # The first start ever records the moment: nobody who was there before is welcomed.
        activation.at = await arrivals.activated_at(runtime.clock.now())
        savings.show(await store.by_month())

    runtime.on_start.append(start)


feature = Feature(
    name="accueil",
    routers=[welcome_router, ecogestes_router],
    migrations=Path(__file__).resolve().parent / "migrations",
    install=install,
    settings=AccueilSettings,
)
