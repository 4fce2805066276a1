"""Handlers are given their services by type, resolved at start: a missing one stops the start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Protocol

import pytest

from bot.context import Context
from bot.feature import Feature
from bot.injection import MissingService
from bot.routing import Router, argument
from bot.runtime import Runtime
from bot.services import ServiceKey
from composition.testing import BotHarness, make_settings, sqlite_url


class Greeter(Protocol):
    def greet(self, name: str) -> str: ...


GREETER = ServiceKey[Greeter]("Greeter")


class Polite:
    def greet(self, name: str) -> str:
        return f"hello {name}"


class Tally:
    def __init__(self) -> None:
        self.count = 0


class NobodyProvides:
    """A store some feature forgot to register."""


router = Router()


@router.command("hi", help="greet")
@argument("name")
async def hi(
    ctx: Context,
    greeter: Annotated[Greeter, GREETER],
    tally: Tally,
    name: str,
    spare: NobodyProvides | None,
) -> None:
    tally.count += 1
    await ctx.reply(f"{greeter.greet(name)} #{tally.count} spare={spare}")


async def _provide_all(runtime: Runtime) -> None:
    runtime.provide(GREETER, Polite())
    runtime.provide(Tally, Tally())


async def _provide_tally_only(runtime: Runtime) -> None:
    runtime.provide(Tally, Tally())


async def test_a_handler_is_given_its_typed_services(tmp_path: Path) -> None:
    feature = Feature("greetings", routers=[router], install=_provide_all)
    async with BotHarness(make_settings(sqlite_url(tmp_path)), features=[feature]) as bot:
        first = [sent.message.text for sent in await bot.say("/hi marie")]
        second = [sent.message.text for sent in await bot.say("/hi jean")]
    assert first == ["hello marie #1 spare=None"]
    assert second == ["hello jean #2 spare=None"]


async def test_an_unconfigured_port_answers_not_set_up_at_use(tmp_path: Path) -> None:
    feature = Feature("greetings", routers=[router], install=_provide_tally_only)
    async with BotHarness(make_settings(sqlite_url(tmp_path)), features=[feature]) as bot:
        answers = [sent.message.text for sent in await bot.say("/hi marie")]
    assert answers == [
        "Greeter n’est pas mis en place sur cette plateforme. Si vous en avez besoin, "
        "adressez-vous aux administrateurs de la plateforme."
    ]


async def test_a_service_nobody_provides_fails_the_start_naming_command_and_service(
    tmp_path: Path,
) -> None:
    orphans = Router()

    @orphans.command("orphan", help="needs a store nobody registers")
    async def orphan(ctx: Context, store: NobodyProvides) -> None:
        await ctx.reply(str(store))

    @orphan.subcommand("child", help="likewise")
    async def child(ctx: Context, tally: Tally) -> None:
        await ctx.reply(str(tally))

    feature = Feature("orphans", routers=[orphans])
    bot = BotHarness(make_settings(sqlite_url(tmp_path)), features=[feature])
    with pytest.raises(MissingService, match=r"/orphan.*NobodyProvides|/orphan child.*Tally"):
        await bot.app.prepare()
    await bot.app.database.close()


async def test_a_parameter_that_is_no_declared_argument_is_a_service_checked_at_start(
    tmp_path: Path,
) -> None:
    strays = Router()

    @strays.command("stray", help="a parameter nobody declared")
    async def stray(ctx: Context, count: int) -> None:
        await ctx.reply(str(count))

    feature = Feature("strays", routers=[strays])
    bot = BotHarness(make_settings(sqlite_url(tmp_path)), features=[feature])
    with pytest.raises(MissingService, match="/stray needs the service int"):
        await bot.app.prepare()
    await bot.app.database.close()
