"""One thin wrapper over APScheduler: named jobs, explicit time zone, errors caught per run.

Once the application has built its pipeline, each run goes through it as a `Tick` (metrics,
correlation id, the pipeline's error handling) rather than being called directly.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

Job = Callable[[], Awaitable[None]]
Runner = Callable[[str, Job], Awaitable[object]]
log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, timezone: ZoneInfo) -> None:
        self.timezone = timezone
        # A busy loop may start a job a little late: run it anyway (once), never drop it.
        self._scheduler = AsyncIOScheduler(
            timezone=timezone,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self.runner: Runner | None = None

    def _guarded(self, name: str, job: Job) -> Job:
        async def run() -> None:
            try:
                if self.runner is None:
                    await job()
                else:
                    await self.runner(name, job)
            except Exception:  # one failing run must never stop the scheduler
                log.exception("scheduled job failed", extra={"job": name})

        return run

    def every(self, name: str, seconds: float, job: Job) -> None:
        self._scheduler.add_job(
            self._guarded(name, job), "interval", seconds=seconds, id=name, replace_existing=True
        )

    def cron(self, name: str, job: Job, **fields: str | int) -> None:
        self._scheduler.add_job(
            self._guarded(name, job), "cron", id=name, replace_existing=True, **fields
        )

    def at(self, name: str, when: datetime, job: Job) -> None:
        self._scheduler.add_job(
            self._guarded(name, job), "date", run_date=when, id=name, replace_existing=True
        )

    def cancel(self, name: str) -> None:
        if self._scheduler.get_job(name) is not None:
            self._scheduler.remove_job(name)

    def has(self, name: str) -> bool:
        return self._scheduler.get_job(name) is not None

    @property
    def running(self) -> bool:
        """True on the leader only: the application starts the scheduler when it leads."""
        return bool(self._scheduler.running)

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
