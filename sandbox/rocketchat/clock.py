"""Time source of the simulator; tests may freeze or advance it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Wall clock with an adjustable offset, truncated to milliseconds like MongoDB dates."""

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._frozen_at = frozen_at
        self._offset = timedelta()

    def now(self) -> datetime:
        base = self._frozen_at if self._frozen_at is not None else datetime.now(UTC)
        moment = base + self._offset
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def advance(self, seconds: float) -> None:
        self._offset += timedelta(seconds=seconds)

    def freeze(self, at: datetime) -> None:
        self._frozen_at = at
        self._offset = timedelta()


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def to_iso(moment: datetime) -> str:
    """ISO string as JavaScript's Date.toJSON() renders it (what REST responses carry)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
