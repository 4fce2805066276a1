"""Failure modes switched on by tests through `/_sandbox/faults`."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class Faults:
    rate_limit_storm: bool = False
    latency_ms: int = 0
    error_ratio: float = 0.0
    drop_websocket_after: int | None = None

    def update(self, values: dict[str, Any]) -> None:
        known = {item.name for item in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        for key, value in values.items():
            setattr(self, key, value)

    def should_fail(self) -> bool:
        return self.error_ratio > 0 and random.random() < self.error_ratio

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
