"""Where catch-up resumes: only the gap in what this store has handled, never its prehistory.

A store that never saw the chat (a new database, a SQLite file not kept, a move to PostgreSQL)
starts from now: the commands said before were someone else's to answer, or nobody's. After
that, the store keeps the moment up to which every message it received has been handled; a
restart, a reconnection or a replica taking over replays from there.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from bot.ports import Clock
from bot.store.repositories import ChatMarks

# The chat stamps a message when it stores it and streams it a little later, so two messages
# can arrive out of order; replaying a little before the mark costs only duplicates, which the
# dedupe drops.
OVERLAP = timedelta(minutes=2)


class ResumePoint:
    def __init__(self, marks: ChatMarks, clock: Clock) -> None:
        self._marks = marks
        self._clock = clock
        self._pending: Counter[datetime] = Counter()
        self._newest: datetime | None = None
        self._saved: datetime | None = None

    def received(self, moment: datetime) -> None:
        self._pending[moment] += 1
        if self._newest is None or moment > self._newest:
            self._newest = moment

    def finished(self, moment: datetime) -> None:
        self._pending[moment] -= 1
        if self._pending[moment] <= 0:
            del self._pending[moment]

    @property
    def handled_until(self) -> datetime | None:
        """A command still running holds the mark back: if the process dies under it, the
        replay brings it back to whoever takes over (its claim's lease tells when)."""
        return min(self._pending) if self._pending else self._newest

    async def since(self) -> datetime:
        """The oldest moment catch-up replays from, for a session that starts now."""
        mark = await self._marks.begin(self._clock.now())
        handled = mark.handled_until
        if self.handled_until is not None:
            handled = max(handled, self.handled_until)
        return max(mark.first_seen_at, handled - OVERLAP)

    async def save(self) -> None:
        handled = self.handled_until
        if handled is not None and handled != self._saved:
            await self._marks.advance(handled)
            self._saved = handled
