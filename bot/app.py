"""The Application: the pipeline, the lifecycle and the leadership of one replica.

It builds only the core's own parts; adapters and features come built from the composition
root (composition/root.py), so the core imports no feature and no adapter."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel

from bot.clock import SystemClock
from bot.config import Settings
from bot.digest import DigestSections
from bot.dispatcher import Dispatcher
from bot.events import Event, Pipeline, Tick
from bot.feature import Feature
from bot.i18n import Catalogs
from bot.invocation import Middleware
from bot.leadership import leadership_for
from bot.metrics import Metrics, MetricsMiddleware
from bot.middleware.audit import Audit
from bot.middleware.dedupe import Dedupe
from bot.middleware.error_reply import ErrorReply
from bot.middleware.identity import Identity
from bot.middleware.locale import LocaleSelection
from bot.middleware.permission import PermissionCheck
from bot.middleware.rate_limit import RateLimit, TokenBucket
from bot.middleware.resolve import Resolve
from bot.models import ChatEvent
from bot.ports import ChatTransport, Clock
from bot.resume import ResumePoint
from bot.routes import Routes
from bot.routing import CommandTable
from bot.runtime import Runtime
from bot.scheduler import Job, Scheduler
from bot.services import Services
from bot.store import Database
from bot.store.repositories import (
    AuditLog,
    ChatMarks,
    Preferences,
    ProcessedMessages,
    preference_cache,
)

if TYPE_CHECKING:
    from aiohttp import web

    from bot.web import WebServer

log = logging.getLogger(__name__)
DRAIN_TIMEOUT_SECONDS = 30.0
# A replay after a long disconnection can bring hundreds of commands at once: handle them a
# bounded number at a time so the store's pool and the outside services are not swamped.
MAX_CONCURRENT_COMMANDS = 32
# Past this many events waiting for a slot, the chat is not read any further until one is
# free: memory stays bounded under a flood, and the transport reads what it could not take
# from the chat's history later (nothing is lost, each is still handled once).
MAX_WAITING_EVENTS = 512
# How long after a message was handled the point up to which everything was handled is
# written down: a crash replays at most this much more (the dedupe drops it). The save is
# armed by a handled message, so an idle bot is not woken up to find nothing new.
MARK_SAVE_SECONDS = 5.0
MARK_JOB = "chat-mark"
DEDUPE_RETENTION = timedelta(days=7)


class Application:
    def __init__(
        self,
        settings: Settings,
        chat: ChatTransport,
        *,
        clock: Clock | None = None,
        features: Sequence[Feature] = (),
        serve_http: bool = True,
    ) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.database = Database(settings.store.effective_url)
        self.runtime = Runtime(
            settings=settings,
            database=self.database,
            catalogs=Catalogs(settings.locales_dir, settings.default_locale),
            services=Services(),
            chat=chat,
            scheduler=Scheduler(settings.tz),
            web_builder=self._web_app,
            metrics=self.metrics,
            clock=clock or SystemClock(),
        )
        self._features = features
        self._serve_http = serve_http and settings.http.port > 0
        self._web: WebServer | None = None  # only when serving HTTP
        self._in_flight: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_COMMANDS)
        self._admission = asyncio.Semaphore(MAX_CONCURRENT_COMMANDS + MAX_WAITING_EVENTS)
        self._waiting = 0
        self.resume = ResumePoint(ChatMarks(self.database), self.runtime.clock)
        self.dispatcher: Dispatcher | None = None
        self._leadership = leadership_for(settings.store.effective_url, settings.ha.lock_key)
        self._leading = False
        self._watch: asyncio.Task[None] | None = None
        self._mark_armed = False

    def _web_app(self, routes: Routes) -> web.Application:
        from bot.web import build_web_app  # noqa: PLC0415 - aiohttp only for a process serving HTTP

        return build_web_app(self.metrics, self.readiness, lambda: self.role, routes)

    async def prepare(self) -> Dispatcher:
        """Migrates the store and wires every feature; no connection to the chat yet."""
        runtime = self.runtime
        await self.database.migrate(
            [feature.migrations for feature in self._features if feature.migrations]
        )
        self._install_core()
        for feature in self._features:
            if feature.settings is not None:
                runtime.provide(feature.settings, self._section(feature))
            runtime.routers.extend(feature.routers)
            if feature.install is not None:
                await feature.install(runtime)
        table = CommandTable(runtime.routers)
        runtime.services.register(CommandTable, table)
        table.inject(runtime.services)
        self.dispatcher = Dispatcher(
            table=table,
            middlewares=self._middlewares(),
            chat=runtime.chat,
            catalogs=runtime.catalogs,
            services=runtime.services,
            database=self.database,
            settings=self.settings,
            clock=runtime.clock,
        )
        runtime.pipeline.bind(self.dispatcher.feed)
        runtime.scheduler.runner = self._tick
        return self.dispatcher

    def _install_core(self) -> None:
        """The services of the pipeline itself, whatever features are enabled."""
        runtime = self.runtime
        runtime.provide(Catalogs, runtime.catalogs)
        # For handlers that tell others what they did (a share that moved an attachment).
        runtime.provide(Pipeline, runtime.pipeline)
        # Features add their digest sections to it in their install (the digest slice reads it).
        runtime.provide(DigestSections, DigestSections())
        runtime.provide(Preferences, Preferences(self.database))
        runtime.provide(AuditLog, AuditLog(self.database))
        processed = ProcessedMessages(self.database)
        runtime.provide(ProcessedMessages, processed)

        async def prune() -> None:
            await processed.forget_older_than(DEDUPE_RETENTION)

        runtime.scheduler.every("dedupe-prune", 3600, prune)

    def _section(self, feature: Feature) -> BaseModel:
        """The feature's settings section, checked at start rather than at first use."""
        section = getattr(self.settings, feature.section, None)
        if feature.settings is None or not isinstance(section, feature.settings):
            raise TypeError(
                f"feature {feature.name!r}: the settings have no section {feature.section!r} "
                f"of type {feature.settings.__name__ if feature.settings else None}"
            )
        return section

    async def _tick(self, name: str, job: Job) -> None:
        assert self.dispatcher is not None
        await self.dispatcher.feed(Tick(name, job))

    def _middlewares(self) -> list[Middleware]:
        services, settings = self.runtime.services, self.settings
        limit = settings.rate_limit
        throttle = [RateLimit(TokenBucket(limit.burst, limit.per_minute / 60.0))]
        return [
            MetricsMiddleware(self.metrics),
            ErrorReply(self.runtime.chat),
            Dedupe(services.get(ProcessedMessages)),
            LocaleSelection(services.get(Preferences), self.runtime.catalogs),
            Identity(self.runtime.chat),
            Audit(services.get(AuditLog)),
            Resolve(services.get(CommandTable)),
            PermissionCheck(settings.crisis_roles, settings.admin_roles),
            *(throttle if limit.enabled else []),
        ]

    async def start(self) -> None:
        """Serves health at once; leads now if the lock is free, otherwise stands by."""
        if self.dispatcher is None:
            await self.prepare()
        if self._serve_http:
            from bot.web import WebServer  # noqa: PLC0415 - aiohttp only for a process serving HTTP

            http = self.settings.http
            self._web = WebServer(self.runtime.web, http.host, http.port)
            await self._web.start()
        if await self._leadership.try_acquire():
            await self._lead()
        if self._leadership.contested:
            self._watch = asyncio.create_task(self._keep_leadership(), name="leadership")

    async def _lead(self) -> None:
        log.info("this replica is the leader")
        # The previous leader may have changed any preference: start from the store.
        preference_cache(self.database).start()
        for hook in self.runtime.on_start:
            await hook()
        self.runtime.scheduler.start()
        await self.runtime.chat.start(self.submit, self.resume.since)
        self._leading = True
        self.metrics.leader.set(1)

    async def _step_down(self) -> None:
        log.error("leadership lost: stopping the chat and the scheduler")
        self._leading = False
        self.metrics.leader.set(0)
        preference_cache(self.database).stop()  # a standby reads the store
        # Scheduled jobs first: stopping the chat may take long, and the new leader runs them.
        self.runtime.scheduler.stop()
        await self.runtime.chat.stop()

    async def _keep_leadership(self) -> None:
        while True:
            await asyncio.sleep(self.settings.ha.poll_seconds)
            try:
                if self._leading and not await self._leadership.still_held():
                    await self._step_down()
                elif not self._leading and await self._leadership.try_acquire():
                    await self._lead()
            except Exception:  # the watch must outlive any one failure
                log.exception("leadership check failed")

    async def submit(self, event: Event) -> None:
        """Handles inbound events concurrently, keeping track of them so that stop can drain;
        returns once the event is taken, which waits while too many are waiting already."""
        await self._admission.acquire()
        self._waiting += 1
        self._report_waiting()
        task = asyncio.create_task(self.handle(event, waiting=True))
        self._in_flight.add(task)
        task.add_done_callback(self._settled)
        if isinstance(event, ChatEvent):  # the chat's resume point follows its messages
            stamp = event.timestamp
            self.resume.received(stamp)
            task.add_done_callback(lambda _task: self._handled(stamp))

    def _settled(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        self._admission.release()

    def _report_waiting(self) -> None:
        self.metrics.waiting.set(self._waiting)

    def _handled(self, stamp: datetime) -> None:
        self.resume.finished(stamp)
        if not self._mark_armed:
            self._mark_armed = True
            when = datetime.now(UTC) + timedelta(seconds=MARK_SAVE_SECONDS)
            self.runtime.scheduler.at(MARK_JOB, when, self._save_mark)

    async def _save_mark(self) -> None:
        self._mark_armed = False  # what is handled from now on arms the next save
        await self.resume.save()

    async def handle(self, event: Event, *, waiting: bool = False) -> None:
        assert self.dispatcher is not None, "prepare() first"
        try:
            await self._slots.acquire()
        finally:  # taken or cancelled: it no longer waits
            if waiting:
                self._waiting -= 1
                self._report_waiting()
        try:
            await self.dispatcher.feed(event)
        finally:
            self._slots.release()

    async def stop(self) -> None:
        self._leading = False
        preference_cache(self.database).stop()
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
        await self.runtime.chat.stop()
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=DRAIN_TIMEOUT_SECONDS)
        self.runtime.scheduler.stop()
        try:
            await self.resume.save()
        except Exception:  # at worst the next start replays a little more
            log.exception("could not save how far the chat was handled")
        for hook in reversed(self.runtime.on_stop):
            try:
                await hook()
            except Exception:  # keep stopping the rest
                log.exception("stop hook failed")
        await self.runtime.chat.close()  # after the hooks: some still send their last words
        if self._web is not None:
            await self._web.stop()
        await self._leadership.release()
        await self.database.close()

    @property
    def role(self) -> str:
        return "leader" if self._leading else "standby"

    async def readiness(self) -> dict[str, bool]:
        # A standby is ready: it is there to take over. Only the leader must be connected.
        checks = {"store": await self.database.ping()}
        if self._leading:
            checks["chat"] = self.runtime.chat.ready
        for name, check in self.runtime.readiness.items():
            checks[name] = await check()
        return checks
