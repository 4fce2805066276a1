"""When digests come: every day, one day a week, or chosen days, at a time of day, in the
person's time zone; each occurrence is one period, sent at most once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

DAYS_IN_WEEK = 7
EVERY_DAY = tuple(range(DAYS_IN_WEEK))
# Two dates that are in winter and in summer time on either hemisphere's usual rules.
_SEASONS = (datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC))


class Cadence(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    DAYS = "days"


@dataclass(frozen=True, slots=True)
class Schedule:
    cadence: Cadence
    at: time
    days: tuple[int, ...] = EVERY_DAY  # Monday = 0

    def encode(self) -> str:
        days = ",".join(str(d) for d in self.days)
        return f"{self.cadence.value} {days} {self.at.strftime('%H:%M')}"

    @classmethod
    def decode(cls, text: str) -> Schedule:
        cadence, days, at = text.split()
        hour, minute = at.split(":")
        return cls(Cadence(cadence), time(int(hour), int(minute)),
                   tuple(int(d) for d in days.split(",")))

    def occurrences(self, after: datetime, tz: tzinfo) -> datetime:
        """The first digest time strictly after `after`, as an aware UTC moment.

        Each day's time is read on that day's own offset, so 08:30 stays 08:30 across a
        daylight-saving change; a time the change skips (02:30 in spring) comes an hour later.
        """
        local_day = after.astimezone(tz).date()
        for shift in range(DAYS_IN_WEEK + 2):
            day = local_day + timedelta(days=shift)
            if day.weekday() not in self.days:
                continue
            moment = _local(day, self.at, tz)
            if moment > after:
                return moment
        raise AssertionError("a schedule has at least one day a week")

    def previous(self, before: datetime, tz: tzinfo) -> datetime:
        """The last digest time strictly before `before`."""
        local_day = before.astimezone(tz).date()
        for shift in range(DAYS_IN_WEEK + 2):
            day = local_day - timedelta(days=shift)
            if day.weekday() in self.days and (moment := _local(day, self.at, tz)) < before:
                return moment
        raise AssertionError("a schedule has at least one day a week")

    def horizon(self, occurrence: datetime, tz: tzinfo) -> datetime:
        """How far ahead a digest looks: the rest of its day, or of its week (weekly)."""
        day = occurrence.astimezone(tz).date()
        days = DAYS_IN_WEEK if self.cadence is Cadence.WEEKLY else 1
        return _local(day + timedelta(days=days), time(0, 0), tz)


def _local(day: date, at: time, tz: tzinfo) -> datetime:
    # Round trip through UTC: a wall time that does not exist is normalised forward.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def zone_for(utc_offset: float | None, default: ZoneInfo) -> tzinfo:
    """The person's zone: the bot's own (with its daylight-saving rules) when the offset the
    chat reports is one the bot's zone has in some season, else that fixed offset."""
    if utc_offset is None:
        return default
    offset = timedelta(hours=utc_offset)
    if any(moment.astimezone(default).utcoffset() == offset for moment in _SEASONS):
        return default
    return timezone(offset)


def zone_name(zone: tzinfo) -> str:
    """How the store keeps a zone: an IANA name, or a fixed offset in minutes."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None) or timedelta(0)
    return f"UTC{int(offset.total_seconds() // 60):+d}"


def zone_named(name: str) -> tzinfo:
    if name.startswith("UTC") and name[3:4] in "+-" and name[3:]:
        return timezone(timedelta(minutes=int(name[3:])))
    return ZoneInfo(name)
