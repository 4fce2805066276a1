"""Dates and durations typed by people, in French or English, in the configured time zone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

# dateparser reads "14h" as "14 hours" and stumbles on "mardi prochain": rewrite the French
# clock forms it does not know into ones it does, leave everything else to it.
_FRENCH_CLOCK = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})?\b", re.IGNORECASE)
_NEXT_WORDS = re.compile(r"\b(prochain|prochaine)\b", re.IGNORECASE)
_DURATION = re.compile(
    r"^\s*(?:(?P<h>\d{1,2})\s*(?:h|heures?|hours?|hrs?)\s*(?P<hm>\d{1,2})?)?\s*"
    r"(?:(?P<m>\d{1,3})\s*(?:min|mn|minutes?|m))?\s*$",
    re.IGNORECASE,
)
LANGUAGES = ["fr", "en"]


def _normalise(text: str) -> str:
    text = _FRENCH_CLOCK.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", text)
    return _NEXT_WORDS.sub("", text).strip()


def parse_datetime(text: str, now: datetime, timezone: ZoneInfo) -> datetime | None:
    """The moment meant by `text` ("demain 14h", "12/12 10:00", "in 2 hours"), or None."""
    local_now = now.astimezone(timezone)
    parsed = dateparser.parse(
        _normalise(text),
        languages=LANGUAGES,
        settings={
            "TIMEZONE": str(timezone),
            "TO_TIMEZONE": str(timezone),
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
            "DATE_ORDER": "DMY",
        },
    )
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone)
    return parsed


def parse_duration(text: str) -> timedelta | None:
    """A duration such as "1h30", "45 min", "2 heures", "90m"; None when it is not one."""
    match = _DURATION.match(text)
    if match is None or not any(match.group(g) for g in ("h", "m")):
        return None
    hours = int(match.group("h") or 0)
    minutes = int(match.group("hm") or 0) + int(match.group("m") or 0)
    duration = timedelta(hours=hours, minutes=minutes)
    return duration if duration > timedelta(0) else None
