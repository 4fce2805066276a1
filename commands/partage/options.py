"""Parsers of /partage's arguments and options."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.context import Context
from bot.dates import parse_datetime
from bot.errors import ArgumentError
from bot.i18n import N_

MAX_EXPIRY_DAYS = 3650
MAX_RECIPIENT_LENGTH = 100
DAYS_PER_UNIT = {"j": 1, "d": 1, "s": 7, "w": 7, "m": 30}
EXPIRY = re.compile(
    r"^(?P<n>\d{1,4})\s*(?P<unit>j|jours?|d|days?|s|sem|semaines?|w|weeks?|mois|months?)?$",
    re.IGNORECASE,
)
NAME = re.compile(r"^[\w.@' -]+$")


class RecipientKind(StrEnum):
    USER = "user"
    ROOM = "room"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Recipient:
    kind: RecipientKind
    name: str

    def label(self) -> str:
        prefix = {RecipientKind.USER: "@", RecipientKind.ROOM: "#"}.get(self.kind, "")
        return f"{prefix}{self.name}"


@dataclass(frozen=True, slots=True)
class ShareOptions:
    password: bool = False
    expire_days: int | None = None
    edit: bool = False
    recipients: tuple[Recipient, ...] = ()


def today(ctx: Context) -> date:
    return ctx.clock.now().astimezone(ctx.settings.tz).date()


def parse_expiry(value: str, ctx: Context) -> int:
    """Days from today: "7j", "2 semaines", "30d", or a date such as "31/12"."""
    text = value.strip()
    match = EXPIRY.match(text)
    if match is not None:
        unit = (match.group("unit") or "j")[0].lower()
        days = int(match.group("n")) * DAYS_PER_UNIT[unit]
    else:
        moment = parse_datetime(text, ctx.clock.now(), ctx.settings.tz)
        if moment is None:
            raise ArgumentError(N_("I cannot read {value} as an expiry (e.g. 7j, 31/12)."),
                                value=value)
        days = (moment.date() - today(ctx)).days
    if days < 1 or days > MAX_EXPIRY_DAYS:
        raise ArgumentError(N_("An expiry must be between 1 day and 10 years away."))
    return days


def parse_recipient(value: str, _ctx: Context) -> Recipient:
    """`@user`, `#room` or a bare group name."""
    text = value.strip()
    kind = RecipientKind.GROUP
    if text[:1] == "@":
        kind, text = RecipientKind.USER, text[1:]
    elif text[:1] == "#":
        kind, text = RecipientKind.ROOM, text[1:]
    if not text or len(text) > MAX_RECIPIENT_LENGTH or not NAME.match(text):
        raise ArgumentError(N_("{value} is not a user (@name), room (#name) or group."),
                            value=value)
    if kind is RecipientKind.USER and text.lower() in ("all", "here"):
        raise ArgumentError(N_("Share with a room (#name) rather than with everyone at once."))
    return Recipient(kind, text)


def expiry_date(ctx: Context, days: int | None) -> date | None:
    return None if days is None else today(ctx) + timedelta(days=days)
