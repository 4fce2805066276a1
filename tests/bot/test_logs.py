"""Log lines carry the correlation id and never a secret."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from zoneinfo import ZoneInfo

from bot.config import LogFormat
from bot.logs import Redactor, configure_logging, correlation
from bot.scheduler import Scheduler

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJyb29tIjoicmV1bmlvbiJ9.c2lnbmF0dXJlc2lnbmF0dXJl"


def _capture(fmt: LogFormat, redactor: Redactor) -> tuple[io.StringIO, logging.Logger]:
    configure_logging(fmt, "INFO", redactor)
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    return stream, logging.getLogger("test.logs")


def test_json_lines_carry_correlation_id_and_redact_secrets() -> None:
    stream, log = _capture(LogFormat.JSON, Redactor(["s3cr3t-app-password"]))
    with correlation("c0ffee"):
        log.info("calling %s with %s", "nextcloud", "s3cr3t-app-password", extra={"url": JWT})
        log.info("header Authorization: Bearer abcdefghijklmnop")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["correlation_id"] for line in lines] == ["c0ffee", "c0ffee"]
    assert lines[0]["message"] == "calling nextcloud with [redacted]"
    assert lines[0]["url"] == "[redacted]"
    assert "abcdefghijklmnop" not in lines[1]["message"]


def test_tracebacks_are_redacted_too() -> None:
    stream, log = _capture(LogFormat.TEXT, Redactor())
    try:
        raise RuntimeError(f"password=hunter22 jwt {JWT}")
    except RuntimeError:
        log.exception("boom")
    output = stream.getvalue()
    assert "RuntimeError" in output
    assert "hunter22" not in output and JWT not in output


async def test_an_idle_bot_does_not_log_every_scheduled_run() -> None:
    stream, _ = _capture(LogFormat.TEXT, Redactor())
    scheduler = Scheduler(ZoneInfo("Europe/Paris"))
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    scheduler.every("often", 0.02, job)
    scheduler.start()
    try:
        while len(runs) < 3:
            await asyncio.sleep(0.02)
    finally:
        scheduler.stop()
    assert "Running job" not in stream.getvalue()
    assert "executed successfully" not in stream.getvalue()
