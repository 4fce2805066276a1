"""Digest schedules as people type them, read by the bot's one date reader (fr and en)."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.dates import read_datetime
from bot.errors import ArgumentError
from bot.i18n import N_
from commands.digest.schedule import EVERY_DAY, Cadence, Schedule

NO_TIME = N_("Give the time of the digest, e.g. 08:30 or 9h.")
NOT_A_DAY = N_("“{day}” is not a day of the week (e.g. lundi, mardi or monday).")
NO_DAY = N_("Give the day of the digest, e.g. lundi 9h.")
_DIGIT = re.compile(r"\d")
_SEPARATORS = re.compile(r"[,;/]+|\s+")
# Words the reader understands as a day, but not as a day of the week.
_RELATIVE_DAYS = re.compile(r"\b(?:aujourd|demain|hier|today|tomorrow|yesterday)", re.IGNORECASE)


def read_time(text: str, now: datetime, tz: ZoneInfo) -> time:
    if not _DIGIT.search(text) and not re.search(r"\b(?:midi|minuit|noon|midnight)\b", text,
                                                 re.IGNORECASE):
        raise ArgumentError(NO_TIME)
    moment = read_datetime(text, now, tz)
    return time(moment.hour, moment.minute)


def read_weekday(word: str, now: datetime, tz: ZoneInfo) -> int:
    if _DIGIT.search(word) or _RELATIVE_DAYS.search(word):
        raise ArgumentError(NOT_A_DAY, day=word)
    try:
        return read_datetime(word, now, tz).weekday()
    except ArgumentError as exc:
        raise ArgumentError(NOT_A_DAY, day=word) from exc


def daily(words: str, now: datetime, tz: ZoneInfo) -> Schedule:
    return Schedule(Cadence.DAILY, read_time(words, now, tz), EVERY_DAY)


def weekly(words: str, now: datetime, tz: ZoneInfo) -> Schedule:
    day, _, rest = words.strip().partition(" ")
    if not day:
        raise ArgumentError(NO_DAY)
    return Schedule(Cadence.WEEKLY, read_time(rest, now, tz), (read_weekday(day, now, tz),))


def days(words: str, now: datetime, tz: ZoneInfo) -> Schedule:
    """`lun,mer,ven 8h` or `lundi mercredi 8h`: day words until the time."""
    parts = [p for p in _SEPARATORS.split(words.strip()) if p]
    names = [p for p in parts if not _DIGIT.search(p)]
    clock = " ".join(p for p in parts if _DIGIT.search(p))
    if not names:
        raise ArgumentError(NO_DAY)
    chosen = tuple(sorted({read_weekday(name, now, tz) for name in names}))
    return Schedule(Cadence.DAYS, read_time(clock, now, tz), chosen)


def schedule(words: str, now: datetime, tz: ZoneInfo) -> Schedule:
    """A whole schedule (`quotidien 08:30`, `hebdo lundi 9h`, `jours lun,mer 8h`), as the
    default schedule setting and `/digest equipe` take it."""
    kind, _, rest = words.strip().partition(" ")
    readers = {"quotidien": daily, "daily": daily, "hebdo": weekly, "weekly": weekly,
               "jours": days, "days": days}
    reader = readers.get(kind.lower())
    if reader is None:
        raise ArgumentError(N_("“{words}” is not a digest schedule (e.g. quotidien 08:30, "
                               "hebdo lundi 9h, jours lun,mer,ven 8h)."), words=words)
    return reader(rest, now, tz)
