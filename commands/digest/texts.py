"""How a digest and its schedule read, in the reader's language and time zone."""

from __future__ import annotations

from datetime import datetime, time, tzinfo

from babel.dates import format_date, format_time, get_day_names

from bot.i18n import N_, Translator
from commands.digest.schedule import Cadence, Schedule

TITLE_PERSON = N_("**Your digest of {date}**")
TITLE_ROOM = N_("**Digest of #{room}, {date}**")


def clock(at: time, t: Translator) -> str:
    return format_time(at, "short", locale=t.locale)


def day_names(days: tuple[int, ...], t: Translator) -> str:
    names = get_day_names("wide", locale=t.locale)
    return ", ".join(str(names[d]) for d in days)


def describe(schedule: Schedule, t: Translator) -> str:
    at = clock(schedule.at, t)
    if schedule.cadence is Cadence.DAILY:
        return t.t("every day at {time}", time=at)
    if schedule.cadence is Cadence.WEEKLY:
        return t.t("every week on {day} at {time}", day=day_names(schedule.days, t), time=at)
    return t.t("on {days} at {time}", days=day_names(schedule.days, t), time=at)


def moment(value: datetime, zone: tzinfo, t: Translator) -> str:
    local = value.astimezone(zone)
    return t.t("{date} at {time}", date=format_date(local.date(), "full", locale=t.locale),
               time=clock(local.time(), t))


def title(value: datetime, zone: tzinfo, t: Translator, room: str | None = None) -> str:
    date = format_date(value.astimezone(zone).date(), "full", locale=t.locale)
    if room is not None:
        return t.t(TITLE_ROOM, room=room, date=date)
    return t.t(TITLE_PERSON, date=date)
