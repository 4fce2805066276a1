"""Records who ran what, where, and how it ended; never the arguments, which may hold secrets.

Every event someone caused is recorded: commands, calls, reactions, pins, membership changes
and board changes (the board's actor, the board as the place). Ticks are the bot's own.
"""

from __future__ import annotations

import logging

from bot.errors import outcome_of
from bot.events import BoardChanged, Tick
from bot.invocation import Bookkeeping, Invocation, Next
from bot.store.repositories import AuditLog, AuditRecord

log = logging.getLogger(__name__)


class Audit:
    def __init__(self, audit_log: AuditLog) -> None:
        self._log = audit_log

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        if isinstance(invocation.event, Tick):
            await call_next(invocation)
            return
        try:
            await call_next(invocation)
        except Exception as exc:
            invocation.outcome = outcome_of(exc)
            raise
        finally:
            await self._record(invocation)

    async def _record(self, invocation: Invocation) -> None:
        event = invocation.event
        if isinstance(event, BoardChanged):
            username, place = event.board.actor_username or "", f"board:{event.board.board_id}"
        else:
            chat = invocation.chat_event
            username, place = invocation.user.username, chat.room.id if chat else ""
        record = AuditRecord(
            user_id=invocation.user.id,
            username=username,
            room_id=place,
            command=invocation.command_path,
            outcome=invocation.outcome,
            correlation_id=invocation.correlation_id,
        )
        # Per-event detail nobody reads at INFO: the audit log is the record.
        log.debug(
            "command handled",
            extra={"command": record.command, "outcome": record.outcome, "user": record.username},
        )

        async def alone() -> None:
            try:
                await self._log.record(record)
            except Exception:  # an audit failure must not hide the command's own outcome
                log.exception("audit record lost", extra={"command": record.command})

        if invocation.bookkeeping is not None:  # one commit with the dedupe mark
            invocation.bookkeeping.append(Bookkeeping(AuditLog.write(record), alone))
        else:
            await alone()
