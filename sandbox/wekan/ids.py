"""Identifiers, secrets and dates in Wekan's wire formats."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

# Meteor's Random.id() alphabet (meteor/meteor packages/random/AbstractRandomGenerator.js).
_UNMISTAKABLE = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"
# Random.secret() draws 43 characters from this base64url-like alphabet.
_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def meteor_id(length: int = 17) -> str:
    """A Mongo `_id` as Meteor makes them (17 chars; labels use 6)."""
    return "".join(secrets.choice(_UNMISTAKABLE) for _ in range(length))


def login_token() -> str:
    """A REST login token: Accounts._generateStampedLoginToken() uses Random.secret()."""
    return "".join(secrets.choice(_BASE64) for _ in range(43))


def iso(moment: datetime) -> str:
    """A JS Date serialized by JSON.stringify: UTC, milliseconds, `Z`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_card_date(value: object) -> datetime | None:
    """`parseCardDate` of W server/lib/restCardHelpers.js: ISO string or epoch ms, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch_ms(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.lstrip("-").isdigit():
        return _from_epoch_ms(float(text))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    # JS Date parses a date-time without offset as local time; the sandbox runs in UTC.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_card_date_clear(value: object) -> bool:
    """`isCardDateClear` of W server/lib/utils.js (#5846)."""
    return value is None or value in ("", "null")


def _from_epoch_ms(millis: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
