"""How `/reunion` reads free text: subject, then the longest trailing date and duration."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.errors import ArgumentError
from commands.reunion.request import read_request

PARIS = ZoneInfo("Europe/Paris")
SATURDAY_3PM = datetime(2026, 11, 28, 15, 0, tzinfo=PARIS)
HOUR = timedelta(hours=1)


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("typed", "subject", "start", "duration"),
    [
        ("point hebdo demain 10h", "point hebdo", at(29, 10), HOUR),
        ("point hebdo demain 10h 1h30", "point hebdo", at(29, 10), timedelta(minutes=90)),
        ("point hebdo demain à 10h 45 min", "point hebdo", at(29, 10), timedelta(minutes=45)),
        ("budget 2027 demain 10h", "budget 2027", at(29, 10), HOUR),
        ("réunion le conseil lundi 9h30 2h", "réunion le conseil", at(30, 9, 30), 2 * HOUR),
        ("point 12 décembre 9h30", "point", at(12, 9, 30, month=12), HOUR),
        ("comité 12/12 10h", "comité", at(12, 10, month=12), HOUR),
        ("meeting tomorrow 2pm", "meeting", at(29, 14), HOUR),
        ("point dans 2 heures", "point", at(28, 17), HOUR),
        ("point 14h", "point", at(29, 14), HOUR),
        ("point 1h", "point", None, HOUR),
        ("point 30 min", "point", None, timedelta(minutes=30)),
        ("point maintenant", "point", None, HOUR),
        ("conseil de quartier", "conseil de quartier", None, HOUR),
        ("", "", None, HOUR),
    ],
)
def test_free_text_is_split_into_subject_date_and_duration(
    typed: str, subject: str, start: datetime | None, duration: timedelta
) -> None:
    request = read_request(typed, SATURDAY_3PM, PARIS)
    assert (request.subject, request.start, request.duration) == (subject, start, duration)


@pytest.mark.parametrize(
    ("typed", "quoted"),
    [
        ("point demain 25h", "demain 25h"),
        ("point demain", "demain"),
        ("point 31/02 10h", "31/02 10h"),
        ("point lundi 9h70", "lundi 9h70"),
        ("point lundi dernier 10h", "lundi dernier 10h"),
    ],
)
def test_dates_that_cannot_be_read_are_refused_with_the_words(typed: str, quoted: str) -> None:
    with pytest.raises(ArgumentError) as refused:
        read_request(typed, SATURDAY_3PM, PARIS)
    assert refused.value.params == {"words": quoted}
    assert refused.value.show_usage


@pytest.mark.parametrize(
    ("typed", "quoted"),
    [
        ("point aujourd'hui 10h", "aujourd'hui 10h"),
        ("hier 10h", "hier 10h"),
        ("bilan avant-hier 9h 1h30", "avant-hier 9h 1h30"),
        ("bilan yesterday 10am", "yesterday 10am"),
        ("last monday 10am", "last monday 10am"),
    ],
)
def test_a_moment_already_past_is_refused_with_the_words(typed: str, quoted: str) -> None:
    """"hier" is a day, not a subject: "hier 10h" must not become a meeting at the next 10:00."""
    with pytest.raises(ArgumentError, match="already passed") as refused:
        read_request(typed, SATURDAY_3PM, PARIS)
    assert refused.value.params == {"words": quoted}
    assert refused.value.show_usage
