"""Dates and durations as agents type them, in French and English, Europe/Paris."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.dates import (
    BAD_DATE,
    BAD_TIME,
    END_OF_WORKING_DAY,
    UNREADABLE,
    parse_datetime,
    parse_duration,
    read_datetime,
)
from bot.errors import ArgumentError

PARIS = ZoneInfo("Europe/Paris")
SATURDAY_3PM = datetime(2026, 11, 28, 15, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("demain 14h", datetime(2026, 11, 29, 14, 0, tzinfo=PARIS)),
        ("lundi 9h30", datetime(2026, 11, 30, 9, 30, tzinfo=PARIS)),
        ("12/12 10:00", datetime(2026, 12, 12, 10, 0, tzinfo=PARIS)),
        ("dans 2 heures", datetime(2026, 11, 28, 17, 0, tzinfo=PARIS)),
        ("tomorrow 2pm", datetime(2026, 11, 29, 14, 0, tzinfo=PARIS)),
        ("in 2 hours", datetime(2026, 11, 28, 17, 0, tzinfo=PARIS)),
        ("vendredi 16h", datetime(2026, 12, 4, 16, 0, tzinfo=PARIS)),
        ("mardi prochain 10h", datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)),
        ("14h", datetime(2026, 11, 29, 14, 0, tzinfo=PARIS)),
    ],
)
def test_typed_dates_are_read_in_paris_time(typed: str, expected: datetime) -> None:
    parsed = parse_datetime(typed, SATURDAY_3PM, PARIS)
    assert parsed == expected


def test_summer_time_is_applied() -> None:
    parsed = parse_datetime("15/07 10:00", SATURDAY_3PM, PARIS)
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=2)


def test_words_that_are_not_dates_give_none() -> None:
    assert parse_datetime("point hebdo", SATURDAY_3PM, PARIS) is None


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("demain", datetime(2026, 11, 29, tzinfo=PARIS)),
        ("tomorrow", datetime(2026, 11, 29, tzinfo=PARIS)),
        ("lundi", datetime(2026, 11, 30, tzinfo=PARIS)),
        ("12/12", datetime(2026, 12, 12, tzinfo=PARIS)),
        ("12 décembre", datetime(2026, 12, 12, tzinfo=PARIS)),
        ("dans 3 jours", datetime(2026, 12, 1, tzinfo=PARIS)),
    ],
)
def test_a_day_without_a_time_is_the_whole_day(typed: str, day: datetime) -> None:
    # Not the current minute on that day (dateparser's answer for "demain").
    assert parse_datetime(typed, SATURDAY_3PM, PARIS) == day
    due = read_datetime(typed, SATURDAY_3PM, PARIS, whole_day_at=END_OF_WORKING_DAY)
    assert due == datetime.combine(day.date(), END_OF_WORKING_DAY, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("typed", "reason", "quoted"),
    [
        ("demain 25h", BAD_TIME, {"time": "25h"}),
        ("demain 24h", BAD_TIME, {"time": "24h"}),
        ("demain 10h75", BAD_TIME, {"time": "10h75"}),
        ("lundi 25:00", BAD_TIME, {"time": "25:00"}),
        ("tomorrow 13pm", BAD_TIME, {"time": "13pm"}),
        ("31/02", BAD_DATE, {"date": "31/02"}),
        ("31/02 10h", BAD_DATE, {"date": "31/02"}),
        ("32/01", BAD_DATE, {"date": "32/01"}),  # dateparser: 1 March 2032
        ("12/13", BAD_DATE, {"date": "12/13"}),  # dateparser: 12 March 2113
        ("29/02/2027", BAD_DATE, {"date": "29/02/2027"}),
        ("31 avril", BAD_DATE, {"date": "31 avril"}),
        ("demain 10h 14h", UNREADABLE, {"when": "demain 10h 14h"}),
        ("demain blabla", UNREADABLE, {"when": "demain blabla"}),
        ("aux calendes grecques", UNREADABLE, {"when": "aux calendes grecques"}),
    ],
)
def test_impossible_or_unreadable_moments_are_refused_with_the_reason(
    typed: str, reason: str, quoted: dict[str, str]
) -> None:
    with pytest.raises(ArgumentError) as refused:
        read_datetime(typed, SATURDAY_3PM, PARIS)
    assert (refused.value.message, refused.value.params) == (reason, quoted)
    assert parse_datetime(typed, SATURDAY_3PM, PARIS) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("29/02", datetime(2028, 2, 29, 18, 0, tzinfo=PARIS)),  # the next one there is
        ("demain 0h", datetime(2026, 11, 29, 0, 0, tzinfo=PARIS)),
        ("demain 23h59", datetime(2026, 11, 29, 23, 59, tzinfo=PARIS)),
        ("dans 2 h", datetime(2026, 11, 28, 17, 0, tzinfo=PARIS)),
        ("demain midi", datetime(2026, 11, 29, 12, 0, tzinfo=PARIS)),
        ("12/12/27 9h", datetime(2027, 12, 12, 9, 0, tzinfo=PARIS)),
    ],
)
def test_edges_of_the_possible_are_read(typed: str, expected: datetime) -> None:
    assert read_datetime(typed, SATURDAY_3PM, PARIS, whole_day_at=time(18)) == expected


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("1h30", 90), ("45 min", 45), ("2 heures", 120), ("90m", 90), ("2h15", 135), ("1h", 60)],
)
def test_durations(typed: str, minutes: int) -> None:
    assert parse_duration(typed) == timedelta(minutes=minutes)


@pytest.mark.parametrize("typed", ["demain", "30", "", "0h"])
def test_non_durations(typed: str) -> None:
    assert parse_duration(typed) is None
