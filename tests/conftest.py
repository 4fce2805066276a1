"""Fixtures shared by the whole suite: stores on SQLite and PostgreSQL, the bot harness."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

from bot.config import Settings
from composition.testing import BotHarness, make_settings, sqlite_url

PG_ADMIN_DSN = os.environ.get("ENSEMBLE_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


@asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """A brand-new PostgreSQL database for one test, dropped afterwards."""
    name = f"ensemble_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with fresh_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The same test on the embedded store and on the production one."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    async with fresh_postgres() as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(sqlite_url(tmp_path))


@pytest.fixture
async def harness(settings: Settings) -> AsyncIterator[BotHarness]:
    async with BotHarness(settings) as running:
        yield running
