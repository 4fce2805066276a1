"""Logging: JSON or text lines, a correlation id per command, secrets redacted."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

from bot.config import LogFormat

_correlation_id: ContextVar[str] = ContextVar("correlation_id", default="-")
REDACTED = "[redacted]"
_TRACEBACKS = logging.Formatter()
# JWTs, bearer/auth headers, key=value secrets and URL passwords (scheme://user:secret@host),
# whatever logged them.
_PATTERNS = (
    re.compile(r"(\b[a-zA-Z][\w+.-]*://[^\s:/@]*:)[^\s/]+(?=@)"),
    re.compile(r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}"),
    re.compile(r"(?i)(bearer\s+)[\w.~+/=-]{8,}"),
    re.compile(
        r"(?i)((?:jwt|token|password|passwd|secret|x-auth-token)[\"']?\s*[=:]\s*[\"']?)[^\s&\"',}]+"
    ),
)


@contextmanager
def correlation(correlation_id: str) -> Iterator[None]:
    token = _correlation_id.set(correlation_id)
    try:
        yield
    finally:
        _correlation_id.reset(token)


def current_correlation_id() -> str:
    return _correlation_id.get()


class Redactor(logging.Filter):
    """Adds the correlation id and removes secrets from the rendered message and extras."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 4]

    def add_secret(self, value: str) -> None:
        if len(value) >= 4:
            self._secrets.append(value)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = _correlation_id.get()
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.redact(_TRACEBACKS.formatException(record.exc_info))
            record.exc_info = None
        for key, value in list(record.__dict__.items()):
            if isinstance(value, str) and key not in ("msg", "levelname", "name", "pathname"):
                record.__dict__[key] = self.redact(value)
        return True


def configure_logging(fmt: LogFormat, level: str, redactor: Redactor) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(redactor)
    if fmt is LogFormat.JSON:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter(
                "%(asctime)s %(levelname)-7s [%(correlation_id)s] %(name)s: %(message)s"
            )
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # APScheduler says "Running job" and "executed successfully" at INFO for every run, and
    # "Added job" / "Removed job" for every one-off job (a reminder, a digest, the save of the
    # chat's resume point after a burst): with jobs every few seconds that was most of an idle
    # bot's log. Its warnings and errors stay; at DEBUG everything shows. The bot says itself
    # when it starts, leads and stops.
    quiet = max(logging.WARNING, root.level) if root.level > logging.DEBUG else logging.NOTSET
    for name in ("apscheduler.executors", "apscheduler.scheduler"):
        logging.getLogger(name).setLevel(quiet)
