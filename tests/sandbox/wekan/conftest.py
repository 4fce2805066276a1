"""Fixtures: a seeded Wekan sandbox on 127.0.0.1 and an HTTP client that talks to it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest

from sandbox.wekan import WekanSandbox
from sandbox.wekan.seed import ADMIN_PASSWORD, AGENT_PASSWORD, BOT_PASSWORD

PUBLIC_ADDRESS = "93.184.215.14"  # a public address: what a reachable bot resolves to


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Wekan:
    """The running sandbox plus helpers that speak its REST API."""

    sandbox: WekanSandbox
    http: aiohttp.ClientSession
    clock: FakeClock

    @property
    def url(self) -> str:
        return self.sandbox.url

    @property
    def board(self) -> dict[str, Any]:
        board = self.sandbox.describe()["board"]
        assert isinstance(board, dict)
        return board

    def user_id(self, username: str) -> str:
        user = self.sandbox.store.user_by_username(username)
        assert user is not None
        return user.id

    async def token(self, username: str = "ensemble-bot") -> str:
        password = {"ensemble-bot": BOT_PASSWORD, "admin": ADMIN_PASSWORD}.get(
            username, AGENT_PASSWORD
        )
        async with self.http.post(
            f"{self.url}/users/login", json={"username": username, "password": password}
        ) as r:
            assert r.status == 200
            return str((await r.json())["token"])

    async def call(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> tuple[int, str, str]:
        """(status, content type, body text) of one request."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.request(
            method, f"{self.url}{path}", headers=headers, allow_redirects=False, **kwargs
        ) as r:
            return r.status, r.content_type, await r.text()

    async def json(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> tuple[int, Any]:
        status, ctype, text = await self.call(method, path, token, **kwargs)
        assert ctype == "application/json", text
        return status, json.loads(text)

    async def control(self, path: str, **body: Any) -> dict[str, Any]:
        async with self.http.post(f"{self.url}/_sandbox/{path}", json=body) as r:
            data: dict[str, Any] = await r.json()
            assert r.status == 200, data
            return data

    async def new_card(self, token: str, **body: Any) -> str:
        board = self.board
        body.setdefault("swimlaneId", board["swimlane_id"])
        body.setdefault("title", "Appeler la préfecture")
        list_id = body.pop("list_id", board["lists"]["À faire"])
        status, data = await self.json(
            "POST", f"/api/boards/{board['id']}/lists/{list_id}/cards", token, json=body
        )
        assert status == 200, data
        return str(data["_id"])


@pytest.fixture
async def wekan() -> AsyncIterator[Wekan]:
    sandbox = WekanSandbox()
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    sandbox.store.clock = clock
    # Webhook URLs are resolved (W server/lib/ssrfGuard.js `validateAndResolve`); answer for the
    # test host, stay offline.
    sandbox.store.switches.dns_overrides = {"bot.example.org": [PUBLIC_ADDRESS]}
    await sandbox.start()
    async with aiohttp.ClientSession() as http:
        yield Wekan(sandbox, http, clock)
    await sandbox.stop()
