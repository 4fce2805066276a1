"""The reminder 15 minutes before a scheduled meeting, which also carries the personal links.

Jobs live in the scheduler's memory; the store is the truth, so `restore` re-plans them at
start and `claim_reminder` makes sure one reminder goes out, whichever replica sends it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from functools import partial

from bot.models import Message, User
from bot.scheduler import Scheduler
from commands.reunion import texts
from commands.reunion.desk import MeetingDesk
from commands.reunion.policy import REMINDER_LEAD
from commands.reunion.store import Meeting

log = logging.getLogger(__name__)
# Overdue reminders found at start wait for the chat connection, which comes after the hooks.
STARTUP_DELAY = timedelta(seconds=5)


def job_name(meeting_id: int) -> str:
    return f"meeting-reminder-{meeting_id}"


class Reminders:
    def __init__(self, desk: MeetingDesk, scheduler: Scheduler) -> None:
        self._desk = desk
        self._scheduler = scheduler

    async def plan(self, meeting: Meeting) -> None:
        """Schedules the reminder, or sends it now when the meeting is less than 15 min away."""
        when = meeting.starts_at - REMINDER_LEAD
        if when <= self._desk.clock.now():
            await self.fire(meeting.id)
            return
        self._scheduler.at(job_name(meeting.id), when, partial(self.fire, meeting.id))

    def cancel(self, meeting_id: int) -> None:
        self._scheduler.cancel(job_name(meeting_id))

    def planned(self, meeting_id: int) -> bool:
        return self._scheduler.has(job_name(meeting_id))

    async def restore(self) -> None:
        now = self._desk.clock.now()
        pending = await self._desk.store.awaiting_reminder(now)
        for meeting in pending:
            when = meeting.starts_at - REMINDER_LEAD
            if when <= now:
                # The scheduler runs on the wall clock, whatever clock the bot reasons with.
                when = datetime.now(UTC) + STARTUP_DELAY
            self._scheduler.at(job_name(meeting.id), when, partial(self.fire, meeting.id))
        log.info("meeting reminders restored", extra={"count": len(pending)})

    async def fire(self, meeting_id: int) -> None:
        desk = self._desk
        meeting = await desk.store.get(meeting_id)
        if meeting is None or meeting.cancelled:
            return
        if not desk.configured:
            log.warning("meeting reminder skipped: Jitsi is not configured")
            return
        if not await desk.store.claim_reminder(meeting.id):
            return
        organizer = await desk.chat.user(meeting.organizer_id) or User(
            meeting.organizer_id, meeting.organizer_username
        )
        key = f"meeting-{meeting.id}:reminder"
        proactive = await desk.hand_out(meeting, organizer, key=key, reminder=True)
        if not proactive:
            await self._remind_room(meeting, key)
        log.info("meeting reminder sent", extra={"meeting": meeting.id, "proactive": proactive})

    async def _remind_room(self, meeting: Meeting, key: str) -> None:
        desk = self._desk
        t = desk.catalogs.get(None)
        url = desk.jitsi.public_url(meeting.room_name, subject=meeting.title, language=t.language)
        text, attachment = texts.reminder_announcement(t, meeting, url=url, tz=desk.settings.tz)
        message = Message(text=text, attachments=(attachment,), idempotency_key=f"{key}:room")
        await desk.chat.send(meeting.chat_room_id, message)
