"""Dates and durations typed by people, in French or English, in the configured time zone.

One reader for every command. dateparser silently drops what it does not understand ("demain
25h" comes back as tomorrow at the current minute, "32/01" as a date in 2032), so a moment is
believed only when every clock and calendar token typed is possible and agrees with what it
made of the phrase. A day typed without a time is that whole day: the caller says which time
of it stands for the day (a due date: the end of the working day).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import ArgumentError
from bot.i18n import N_

# A due date typed as a day ("--echeance vendredi") means the end of that working day, in
# ENSEMBLE_TIMEZONE; the README and the help of the commands that read due dates say so.
END_OF_WORKING_DAY = time(18, 0)
START_OF_DAY = time(0, 0)
LANGUAGES = ["fr", "en"]

BAD_TIME = N_("“{time}” is not a time of day (0h00 to 23h59).")
BAD_DATE = N_("“{date}” is not a date in the calendar.")
UNREADABLE = N_("I cannot read the date “{when}” (e.g. demain 14h, lundi 9h30, 12/12 10:00).")

# dateparser reads "14h" as "14 hours" and stumbles on "mardi prochain": rewrite the French
# clock forms it does not know into ones it does, leave everything else to it.
_FRENCH_CLOCK = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})?\b", re.IGNORECASE)
_NEXT_WORDS = re.compile(r"\b(prochain|prochaine)\b", re.IGNORECASE)
# "dans 2 h", "in 30 minutes": a time, but not a clock reading.
_RELATIVE_TIME = re.compile(
    r"\b(?:dans|in)\s+\d+\s*(?:h|heures?|hours?|hrs?|min|mn|minutes?|m)(?!\w)", re.IGNORECASE
)
_RELATIVE_HOURS = re.compile(r"\b(dans|in)\s+(\d+)\s*h(?!\w)", re.IGNORECASE)
_CLOCK = re.compile(
    r"(?<![\w:/.])(?:(?P<h>\d{1,2})\s*(?:h\s*(?P<hm>\d{1,2})?|:(?P<cm>\d{2}))"
    r"|(?P<ah>\d{1,2})(?::(?P<am>\d{2}))?\s*(?P<half>am|pm))(?!\w)",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(r"(?<![\w/.:-])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\w/])")
_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        (
            ("janvier", "january", "jan"), ("février", "fevrier", "february", "feb"),
            ("mars", "march", "mar"), ("avril", "april", "apr"), ("mai", "may"),
            ("juin", "june", "jun"), ("juillet", "july", "jul"),
            ("août", "aout", "august", "aug"), ("septembre", "september", "sep"),
            ("octobre", "october", "oct"), ("novembre", "november", "nov"),
            ("décembre", "decembre", "december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH_NAME = re.compile(
    r"(?<![\w/])(\d{1,2})(?:er)?\s+(" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)
_TIME_WORDS = re.compile(
    r"\b(?:maintenant|now|midi|minuit|noon|midnight)\b", re.IGNORECASE
)
_DURATION = re.compile(
    r"^\s*(?:(?P<h>\d{1,2})\s*(?:h|heures?|hours?|hrs?)\s*(?P<hm>\d{1,2})?)?\s*"
    r"(?:(?P<m>\d{1,3})\s*(?:min|mn|minutes?|m))?\s*$",
    re.IGNORECASE,
)
# Any year has these many days in each month at most (February of a leap year).
_LEAP_YEAR = 2000


@dataclass(frozen=True, slots=True)
class _Clock:
    typed: str
    hour: int
    minute: int


@dataclass(frozen=True, slots=True)
class _CalendarDay:
    day: int
    month: int
    year: int | None


def _clocks(text: str) -> list[_Clock]:
    """Every clock reading in the text; an impossible one ("25h", "10h75") is refused."""
    found = []
    for match in _CLOCK.finditer(_RELATIVE_TIME.sub(" ", text)):
        if match.group("half"):
            hour, minute = int(match.group("ah")), int(match.group("am") or 0)
            if not 1 <= hour <= 12 or minute > 59:  # noqa: PLR2004 - a 12-hour clock
                raise ArgumentError(BAD_TIME, time=match.group(0))
            hour = hour % 12 + (12 if match.group("half").lower() == "pm" else 0)
        else:
            hour = int(match.group("h"))
            minute = int(match.group("hm") or match.group("cm") or 0)
        if hour > 23 or minute > 59:  # noqa: PLR2004 - the 24-hour clock
            raise ArgumentError(BAD_TIME, time=match.group(0))
        found.append(_Clock(match.group(0), hour, minute))
    return found


def _year(typed: str | None) -> int | None:
    if typed is None:
        return None
    return int(typed) + (2000 if len(typed) == 2 else 0)  # noqa: PLR2004 - "31/12/26"


def _calendar_days(text: str) -> list[_CalendarDay]:
    """Every day the text names by number; one that no calendar has ("31/02") is refused."""
    found = []
    for match in _DAY_MONTH.finditer(text):
        day, month, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        found.append(_possible(match.group(0), day, month, year))
    for match in _DAY_MONTH_NAME.finditer(text):
        month = _MONTH_NUMBERS[match.group(2).lower()]
        found.append(_possible(match.group(0), int(match.group(1)), month, None))
    return found


def _possible(typed: str, day: int, month: int, year: int | None) -> _CalendarDay:
    months_in_a_year = 12
    if not 1 <= month <= months_in_a_year or not 1 <= day <= calendar.monthrange(
        year or _LEAP_YEAR, month
    )[1]:
        raise ArgumentError(BAD_DATE, date=typed)
    return _CalendarDay(day, month, year)


def _hours_in_words(match: re.Match[str]) -> str:
    unit = "hours" if match.group(1).lower() == "in" else "heures"
    return f"{match.group(1)} {match.group(2)} {unit}"


def _normalise(text: str) -> str:
    text = _RELATIVE_HOURS.sub(_hours_in_words, text)
    text = _FRENCH_CLOCK.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", text)
    return _NEXT_WORDS.sub("", text).strip()


def _dateparser(text: str, now: datetime, timezone: ZoneInfo) -> datetime | None:
    # Imported on the first date read, not at start: dateparser and its language data (loaded
    # by that first parse) are ~10 MiB and ~0.2 s that an idle bot does not need; the first
    # command with a date pays them once.
    import dateparser  # noqa: PLC0415

    parsed = dateparser.parse(
        _normalise(text),
        languages=LANGUAGES,
        settings={
            "TIMEZONE": str(timezone),
            "TO_TIMEZONE": str(timezone),
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": now.astimezone(timezone).replace(tzinfo=None),
            "DATE_ORDER": "DMY",
        },
    )
    if parsed is None:
        return None
    return parsed.replace(tzinfo=timezone) if parsed.tzinfo is None else parsed


def _agrees(moment: datetime, clocks: list[_Clock], days: list[_CalendarDay]) -> bool:
    if len(clocks) > 1:
        return False  # "demain 10h 14h": which one?
    if clocks and (moment.hour, moment.minute) != (clocks[0].hour, clocks[0].minute):
        return False
    return all(
        (moment.day, moment.month) == (d.day, d.month) and d.year in (None, moment.year)
        for d in days
    )


def read_datetime(
    text: str, now: datetime, timezone: ZoneInfo, *, whole_day_at: time = START_OF_DAY
) -> datetime:
    """The moment meant by `text` ("demain 14h", "12/12 10:00", "in 2 hours", "vendredi").

    A day without a time stands for `whole_day_at` on that day. Raises `ArgumentError` with
    the reason (an impossible time or date, or words that do not read as a moment).
    """
    clocks, days = _clocks(text), _calendar_days(text)
    moment = _dateparser(text, now, timezone)
    if moment is None or not _agrees(moment, clocks, days):
        raise ArgumentError(UNREADABLE, when=" ".join(text.split()))
    if clocks or _RELATIVE_TIME.search(text) or _TIME_WORDS.search(text):
        return moment
    return datetime.combine(moment.astimezone(timezone).date(), whole_day_at, tzinfo=timezone)


def parse_datetime(text: str, now: datetime, timezone: ZoneInfo) -> datetime | None:
    """`read_datetime` for callers with their own wording of a refusal: None when refused.

    A day without a time is its start (00:00).
    """
    try:
        return read_datetime(text, now, timezone)
    except ArgumentError:
        return None


def parse_duration(text: str) -> timedelta | None:
    """A duration such as "1h30", "45 min", "2 heures", "90m"; None when it is not one."""
    match = _DURATION.match(text)
    if match is None or not any(match.group(g) for g in ("h", "m")):
        return None
    hours = int(match.group("h") or 0)
    minutes = int(match.group("hm") or 0) + int(match.group("m") or 0)
    duration = timedelta(hours=hours, minutes=minutes)
    return duration if duration > timedelta(0) else None
