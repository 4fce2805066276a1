"""Reads `/reunion [sujet] [quand] [durée]` typed as free text: "point hebdo demain 10h 1h30".

The date and the duration are the longest trailing words that read as such; the rest is the
subject. dateparser happily ignores what it does not understand ("demain 25h" becomes
tomorrow at the current time), so every phrase it reads is checked against the clock and
date tokens it contains before it is believed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.dates import parse_datetime, parse_duration
from bot.errors import ArgumentError
from bot.i18n import N_

DEFAULT_DURATION = timedelta(hours=1)
MAX_DURATION = timedelta(hours=12)
MAX_DATE_WORDS = 6
PAST_TOLERANCE = timedelta(minutes=5)
# An hour this early is read as a duration when both readings are possible ("point 1h").
EARLIEST_PLAUSIBLE_HOUR = 7

_CLOCK = re.compile(r"^(\d{1,2})(?:h(\d{2})?|:(\d{2}))$|^(\d{1,2})(am|pm)$", re.IGNORECASE)
_DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?$")
_NUMBER = re.compile(r"^\d{1,3}$")


def _vocabulary(*lines: str) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split())


# Past days are read too, so that "hier 10h" is refused as past instead of making "hier" the
# subject of a meeting at the next 10:00.
DAY_WORDS = _vocabulary(
    "aujourd'hui demain après-demain apres-demain today tomorrow tonight",
    "hier avant-hier yesterday",
    "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "monday tuesday wednesday thursday friday saturday sunday",
)
MONTHS = _vocabulary(
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre",
    "novembre décembre decembre january february march april may june july august",
    "september october november december",
)
RELATIVE = _vocabulary("dans in")
UNITS = _vocabulary("h heure heures hour hours min mn minute minutes")
FILLERS = _vocabulary(
    "le à a at on ce cet cette prochain prochaine next soir matin dernier dernière last"
)
NOW_WORDS = frozenset({"maintenant", "now"})


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    subject: str
    start: datetime | None
    duration: timedelta


def _word(raw: str) -> str:
    return raw.lower().replace("’", "'")


def _is_vocabulary(word: str) -> bool:
    known = DAY_WORDS | MONTHS | RELATIVE | UNITS | FILLERS | NOW_WORDS
    return bool(
        word in known or _CLOCK.match(word) or _DAY_MONTH.match(word) or _NUMBER.match(word)
    )


def _is_anchor(word: str) -> bool:
    """A word nobody types in a subject unless they mean a date."""
    return bool(word in DAY_WORDS or _CLOCK.match(word) or _DAY_MONTH.match(word))


def _clock(word: str) -> tuple[int, int] | None:
    match = _CLOCK.match(word)
    if match is None:
        return None
    if match.group(4):
        hour = int(match.group(4)) % 12 + (12 if match.group(5).lower() == "pm" else 0)
        return hour, 0
    return int(match.group(1)), int(match.group(2) or match.group(3) or 0)


def _is_relative(words: list[str]) -> bool:
    return (
        len(words) == 3
        and words[0] in RELATIVE
        and bool(_NUMBER.match(words[1]))
        and words[2] in UNITS
    )


def _bare_numbers_fit(words: list[str]) -> bool:
    # A bare number is a day only right before a month name ("12 décembre").
    return all(
        not _NUMBER.match(w) or (i + 1 < len(words) and words[i + 1] in MONTHS)
        for i, w in enumerate(words)
    )


def _read_date(words: list[str], now: datetime, tz: ZoneInfo) -> datetime | None:
    """The moment the words mean, or None unless every time and date token agrees with it."""
    if _is_relative(words):
        return parse_datetime(" ".join(words), now, tz)
    clocks = [c for c in map(_clock, words) if c is not None]
    if len(clocks) != 1 or not _bare_numbers_fit(words) or words[0] in UNITS:
        return None
    hour, minute = clocks[0]
    if hour > 23 or minute > 59:
        return None
    parsed = parse_datetime(" ".join(words), now, tz)
    if parsed is None or (parsed.hour, parsed.minute) != (hour, minute):
        return None
    for word in words:
        day_month = _DAY_MONTH.match(word)
        if day_month and (parsed.day, parsed.month) != tuple(map(int, day_month.groups()[:2])):
            return None
    return parsed


@dataclass(frozen=True, slots=True)
class _Reading:
    subject_words: list[str]
    start: datetime | None
    duration: timedelta | None
    consumed: int


def _trailing_date(words: list[str], now: datetime, tz: ZoneInfo) -> tuple[datetime | None, int]:
    lowered = [_word(w) for w in words]
    for size in range(min(MAX_DATE_WORDS, len(words)), 0, -1):
        tail = lowered[-size:]
        if not all(map(_is_vocabulary, tail)):
            continue
        if len(tail) == 1 and tail[0] in NOW_WORDS:
            return now, 1
        moment = _read_date(tail, now, tz)
        if moment is not None:
            return moment, size
    return None, 0


def _readings(words: list[str], now: datetime, tz: ZoneInfo) -> list[_Reading]:
    readings = []
    for duration_size in (0, 1, 2):
        if duration_size > len(words):
            break
        duration = None
        if duration_size:
            duration = parse_duration(" ".join(words[-duration_size:]))
            if duration is None or duration > MAX_DURATION:
                continue
        rest = words[: len(words) - duration_size]
        start, date_size = _trailing_date(rest, now, tz)
        readings.append(
            _Reading(rest[: len(rest) - date_size], start, duration, duration_size + date_size)
        )
    return readings


def _preference(reading: _Reading) -> tuple[int, int]:
    plausible = reading.start is None or reading.start.hour >= EARLIEST_PLAUSIBLE_HOUR
    return reading.consumed, int(plausible) * 2 - int(reading.duration is not None)


def _leftover_date_words(subject_words: list[str]) -> list[str]:
    run: list[str] = []
    for raw in reversed(subject_words):
        if not _is_vocabulary(_word(raw)):
            break
        run.insert(0, raw)
    return run if any(_is_anchor(_word(w)) for w in run) else []


def read_request(text: str, now: datetime, tz: ZoneInfo) -> MeetingRequest:
    words = text.split()
    readings = _readings(words, now, tz)
    clean = [r for r in readings if not _leftover_date_words(r.subject_words)]
    if not clean:
        # Quote the words as typed, not as one of the failed readings cut them.
        raise ArgumentError(
            N_("I cannot read the date and time in “{words}”; give a day and an hour."),
            words=" ".join(_leftover_date_words(words)),
        )
    best = max(clean, key=_preference)
    start = best.start
    if start is not None and start < now - PAST_TOLERANCE:
        when = " ".join(words[len(best.subject_words) :])
        raise ArgumentError(N_("That moment has already passed: {words}."), words=when)
    if start is not None and start <= now + PAST_TOLERANCE:
        start = None
    return MeetingRequest(
        subject=" ".join(best.subject_words),
        start=start,
        duration=best.duration or DEFAULT_DURATION,
    )
