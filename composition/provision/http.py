"""One server's HTTP API for provisioning: JSON in and out, a timeout, errors naming it."""

from __future__ import annotations

from typing import Any

import aiohttp

from composition.provision.report import ProvisionError

TIMEOUT = aiohttp.ClientTimeout(total=30)


class Api:
    def __init__(self, session: aiohttp.ClientSession, service: str, base_url: str) -> None:
        self.session = session
        self.service = service
        self.base_url = base_url.rstrip("/")

    def fail(self, message: str) -> ProvisionError:
        return ProvisionError(self.service, message)

    async def call(
        self, method: str, path: str, *, json: Any = None, data: dict[str, str] | None = None,
        params: dict[str, str] | None = None, headers: dict[str, str] | None = None,
        auth: aiohttp.BasicAuth | None = None,
    ) -> tuple[int, Any]:
        """(status, decoded JSON or None); unreachable servers raise ProvisionError."""
        url = self.base_url + path
        try:
            async with self.session.request(
                method, url, json=json, data=data, params=params, headers=headers, auth=auth,
                timeout=TIMEOUT, allow_redirects=False,
            ) as response:
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = None
                return response.status, body
        except (aiohttp.ClientError, TimeoutError) as error:
            raise self.fail(f"cannot reach {self.base_url} ({type(error).__name__})") from None
