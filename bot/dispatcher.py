"""Runs one inbound event through the middleware chain to its handlers: `await feed(event)`.

A command message goes to its command; any other event to the handlers observing its type
(`router.on(CallStarted)`); a tick to its job. Every middleware sees every event and applies
where it makes sense (bot.middleware).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence

from bot.binding import bind
from bot.config import Settings
from bot.context import Context
from bot.detection import command_line, has_prefix
from bot.events import Event, Tick, is_command_message
from bot.i18n import Catalogs
from bot.invocation import NOBODY, Invocation, Middleware, Next
from bot.logs import correlation
from bot.models import ChatEvent
from bot.ports import ChatPort, Clock
from bot.routing import CommandTable
from bot.services import Services
from bot.store import Database

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(
        self,
        *,
        table: CommandTable,
        middlewares: Sequence[Middleware],
        chat: ChatPort,
        catalogs: Catalogs,
        services: Services,
        database: Database,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self.table = table
        self._middlewares = list(middlewares)
        self._chat = chat
        self._catalogs = catalogs
        self._services = services
        self._database = database
        self._settings = settings
        self._clock = clock

    async def feed(self, event: Event) -> bool:
        """Handles one event; False when it was not meant for the bot (nobody observes it)."""
        invocation = self._admit(event)
        if invocation is None:
            return False
        with correlation(invocation.correlation_id):
            await self._chain(0)(invocation)
        return True

    def _admit(self, event: Event) -> Invocation | None:
        invocation = Invocation(
            event=event,
            correlation_id=secrets.token_hex(6),
            translator=self._catalogs.get(None),
            user=event.user if isinstance(event, ChatEvent) else NOBODY,
        )
        if isinstance(event, Tick):
            return invocation
        if not is_command_message(event):
            invocation.observers = self.table.observers(type(event))
            return invocation if invocation.observers else None
        assert isinstance(event, ChatEvent)
        line = command_line(event, self._chat.bot_username)
        if line is None:
            return None
        invocation.line = line
        invocation.prefixed = has_prefix(event.text)
        return invocation

    def _chain(self, index: int) -> Next:
        if index == len(self._middlewares):
            return self._handle
        middleware, call_next = self._middlewares[index], self._chain(index + 1)

        async def step(invocation: Invocation) -> None:
            await middleware(invocation, call_next)

        return step

    async def _handle(self, invocation: Invocation) -> None:
        event = invocation.event
        if isinstance(event, Tick):
            await event.job()
            return
        if not isinstance(event, ChatEvent):
            for observer in invocation.observers:
                await observer(event, **self.table.injected[observer])
            return
        ctx = Context(
            event=event,
            user=invocation.user,
            translator=invocation.translator,
            chat=self._chat,
            services=self._services,
            database=self._database,
            settings=self._settings,
            clock=self._clock,
            correlation_id=invocation.correlation_id,
        )
        invocation.context = ctx
        if invocation.observers:
            for observer in invocation.observers:
                await observer(ctx, event, **self.table.injected[observer])
            return
        command = invocation.command
        if command is None:
            return
        values = await bind(command, invocation.words, ctx)
        await command.handler(ctx, **self.table.injected[command.handler], **values)
