"""Turns every failure into a short answer in the user's language; never a traceback.

An event without a room to answer in is logged with its reference instead: a tick's failure
ends there (the next run comes), a board change's goes back to the inbox, which retries it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.context import answer_where_possible, reply_thread
from bot.errors import (
    ArgumentError,
    ServiceNotConfigured,
    ServiceUnavailable,
    UserFacingError,
    outcome_of,
)
from bot.events import Tick
from bot.help import usage_block
from bot.i18n import N_
from bot.invocation import Invocation, Next
from bot.models import Message
from bot.ports import ChatPort
from bot.sanitize import escape_markdown, neutralise_mass_mentions

log = logging.getLogger(__name__)


class ErrorReply:
    def __init__(self, chat: ChatPort) -> None:
        self._chat = chat

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        try:
            await call_next(invocation)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the last line of defence: whatever happened, answer
            invocation.outcome = outcome_of(exc)
            if invocation.chat_event is None:
                self._log_roomless(invocation, exc)
                if not isinstance(invocation.event, Tick):
                    raise
                return
            await self._answer(invocation, self._render(invocation, exc))

    @staticmethod
    def _log_roomless(invocation: Invocation, exc: Exception) -> None:
        if isinstance(exc, ServiceUnavailable):
            invocation.failed_service = exc.service
            log.warning("service unavailable", extra={
                "event": invocation.command_path, "service": exc.service, "reason": exc.reason})
        else:
            log.exception("event failed", extra={"event": invocation.command_path})

    def _render(self, invocation: Invocation, exc: Exception) -> str:
        t = invocation.translator
        if isinstance(exc, ArgumentError):
            reason = t.t(exc.message, **_as_typed(exc.params))
            if exc.show_usage and invocation.command is not None:
                return f"{reason}\n{usage_block(invocation.command, t)}"
            return reason
        if isinstance(exc, UserFacingError):
            return t.t(exc.message, **exc.params)
        if isinstance(exc, ServiceNotConfigured):  # not an outage: retrying will not help
            log.info("service not configured", extra={"service": exc.service})
            return t.t(
                N_("{service} is not set up on this platform. If you need it, please ask the "
                   "platform administrators."),
                service=exc.service,
            )
        if isinstance(exc, ServiceUnavailable):
            invocation.failed_service = exc.service
            log.warning(
                "service unavailable",
                extra={"service": exc.service, "reason": exc.reason},
            )
            return t.t(
                N_("{service} is not available right now; please try again later (ref. {ref})."),
                service=exc.service,
                ref=invocation.correlation_id,
            )
        log.exception("command failed", extra={"command": invocation.command_path})
        return t.t(
            N_("Something went wrong on our side. The team can trace it with ref. {ref}."),
            ref=invocation.correlation_id,
        )

    async def _answer(self, invocation: Invocation, text: str) -> None:
        event = invocation.chat_event
        assert event is not None
        thread_id, also_in_room = reply_thread(event)
        message = Message(
            text=neutralise_mass_mentions(text),
            thread_id=thread_id,
            also_in_room=also_in_room,
            idempotency_key=f"{event.message_id}:error",
        )
        try:
            await answer_where_possible(self._chat, event, message, invocation.translator)
        except Exception:  # the chat itself is down: the log is all we have left
            log.exception("could not deliver the error reply")


def _as_typed(params: dict[str, Any]) -> dict[str, Any]:
    """An argument error quotes the user's own words: shown as typed, never as Markdown."""
    return {k: escape_markdown(v) if isinstance(v, str) else v for k, v in params.items()}
