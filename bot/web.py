"""The bot's own HTTP server: health, readiness, metrics, and the webhooks features add."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.metrics import Metrics
from bot.routes import Route, Routes

ReadinessCheck = Callable[[], Awaitable[dict[str, bool]]]
log = logging.getLogger(__name__)


def build_web_app(
    metrics: Metrics, readiness: ReadinessCheck, role: Callable[[], str], routes: Routes
) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_request: web.Request) -> web.Response:
        checks = await readiness()
        ready = all(checks.values())
        body = {"ready": ready, "role": role(), "checks": checks}
        return web.json_response(body, status=200 if ready else 503)

    async def metrics_endpoint(_request: web.Request) -> web.Response:
        return web.Response(
            body=metrics.render(), headers={"Content-Type": "text/plain; version=0.0.4"}
        )

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)

    def add(route: Route) -> None:
        app.router.add_route(route.method, route.path, route.handler)

    routes.mount(add)
    return app


class WebServer:
    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self._runner = web.AppRunner(app, access_log=None)
        self._host = host
        self._port = port
        self.url = ""

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        addresses = self._runner.addresses
        port = addresses[0][1] if addresses else self._port
        self.url = f"http://{self._host}:{port}"
        log.info("http server listening", extra={"url": self.url})

    async def stop(self) -> None:
        await self._runner.cleanup()
