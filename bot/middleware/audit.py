"""Records who ran what, where, and how it ended; never the arguments, which may hold secrets."""

from __future__ import annotations

import logging

from bot.errors import outcome_of
from bot.invocation import Invocation, Next
from bot.store.repositories import AuditLog, AuditRecord

log = logging.getLogger(__name__)


class Audit:
    def __init__(self, audit_log: AuditLog) -> None:
        self._log = audit_log

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        try:
            await call_next(invocation)
        except Exception as exc:
            invocation.outcome = outcome_of(exc)
            raise
        finally:
            await self._record(invocation)

    async def _record(self, invocation: Invocation) -> None:
        event = invocation.event
        record = AuditRecord(
            user_id=invocation.user.id,
            username=invocation.user.username,
            room_id=event.room.id,
            command=invocation.command_path,
            outcome=invocation.outcome,
            correlation_id=invocation.correlation_id,
        )
        try:
            await self._log.record(record)
        except Exception:  # an audit failure must not hide the command's own outcome
            log.exception("audit record lost", extra={"command": record.command})
        log.info(
            "command handled",
            extra={"command": record.command, "outcome": record.outcome, "user": record.username},
        )
