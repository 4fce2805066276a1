"""One thin wrapper over APScheduler: named jobs, explicit time zone, errors caught per run.

Once the application has built its pipeline, each run goes through it as a `Tick` (metrics,
correlation id, the pipeline's error handling) rather than being called directly.

A replica that stops leading pauses its scheduler rather than shutting it down: APScheduler
3.11 empties its memory job store on shutdown (MemoryJobStore.shutdown calls
remove_all_jobs), so a replica that stepped down and later led again ran no job at all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import STATE_STOPPED

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
        self._leading = False
        self._runs: set[asyncio.Task[object]] = set()

    def _guarded(self, name: str, job: Job) -> Job:
        async def run() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._runs.add(task)
            try:
                if self.runner is None:
                    await job()
                else:
                    await self.runner(name, job)
            except Exception:  # one failing run must never stop the scheduler
                log.exception("scheduled job failed", extra={"job": name})
            finally:
                if task is not None:
                    self._runs.discard(task)

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
        return self._leading

    def start(self) -> None:
        """Runs the jobs (those that fell due meanwhile once, at once)."""
        if self._leading:
            return
        self._leading = True
        if self._scheduler.state == STATE_STOPPED:
            self._scheduler.start()
        else:
            self._scheduler.resume()

    def stop(self) -> None:
        """No job starts any more, and the runs in progress are cancelled (the new leader
        runs them); the jobs are kept for when this replica leads again."""
        if not self._leading:
            return
        self._leading = False
        self._scheduler.pause()
        for task in list(self._runs):
            task.cancel()
