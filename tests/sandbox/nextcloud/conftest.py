"""Fixtures: a seeded fake Nextcloud on 127.0.0.1, nc-py-api clients and a raw HTTP session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from nc_py_api import AsyncNextcloud

from sandbox.nextcloud import NextcloudSandbox
from sandbox.nextcloud.seed import BOT

NcFactory = Callable[..., AsyncNextcloud]
Control = Callable[..., Awaitable[Any]]


@pytest.fixture
async def sandbox() -> AsyncIterator[NextcloudSandbox]:
    # Messages are checked in English here; tests/sandbox/nextcloud/test_nc_l10n.py has French.
    server = NextcloudSandbox(language="en")
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def make_nc(sandbox: NextcloudSandbox) -> AsyncIterator[NcFactory]:
    """nc-py-api, unmodified, as the bot builds it (user + app password).

    AsyncNextcloud has no close(): its two niquests sessions must be closed by hand or they
    leak sockets (ResourceWarning).
    """
    clients: list[AsyncNextcloud] = []

    def factory(user: str = BOT, password: str | None = None) -> AsyncNextcloud:
        secret = sandbox.bot_app_password if password is None else password
        client = AsyncNextcloud(nextcloud_url=sandbox.url, nc_auth_user=user, nc_auth_pass=secret)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client._session.adapter.close()
        await client._session.adapter_dav.close()


@pytest.fixture
def nc(make_nc: NcFactory) -> AsyncNextcloud:
    return make_nc()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def basic_auth(user: str, password: str) -> dict[str, str]:
    return {"Authorization": aiohttp.encode_basic_auth(user, password)}


@pytest.fixture
def bot_auth(sandbox: NextcloudSandbox) -> dict[str, str]:
    """Authorization header of the bot (user + app password)."""
    return basic_auth(BOT, sandbox.bot_app_password)


@pytest.fixture
def control(sandbox: NextcloudSandbox, http: aiohttp.ClientSession) -> Control:
    """Call the /_sandbox/ API and return its JSON."""

    async def call(method: str, path: str, **kwargs: Any) -> Any:
        async with http.request(method, f"{sandbox.url}/_sandbox/{path}", **kwargs) as resp:
            assert resp.status < 300, await resp.text()
            return await resp.json()

    return call
