"""Dates and durations as agents type them, in French and English, Europe/Paris."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.dates import parse_datetime, parse_duration

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
    ("typed", "minutes"),
    [("1h30", 90), ("45 min", 45), ("2 heures", 120), ("90m", 90), ("2h15", 135), ("1h", 60)],
)
def test_durations(typed: str, minutes: int) -> None:
    assert parse_duration(typed) == timedelta(minutes=minutes)


@pytest.mark.parametrize("typed", ["demain", "30", "", "0h"])
def test_non_durations(typed: str) -> None:
    assert parse_duration(typed) is None
