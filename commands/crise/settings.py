"""/crise's settings: ENSEMBLE_CRISIS__<FIELD>. Who may open a cell is the core's
ENSEMBLE_CRISIS_ROLES (the pipeline's permission check reads it for every crisis command)."""

from __future__ import annotations

import re
from datetime import time

from pydantic import BaseModel, Field, field_validator

QUIET_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class CrisisSettings(BaseModel):
    rosters: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Named rosters, JSON: {"astreinte-si": ["@marie", "#support-n2"]} '
                    "(usernames and rooms whose members are invited)",
    )
    default_rosters: dict[int, str] = Field(
        default_factory=dict,
        description='Roster invited by default per severity, JSON: {"1": "astreinte-si"}',
    )
    reminder_minutes: dict[int, int] = Field(
        default_factory=lambda: {1: 30, 2: 60, 3: 120},
        description="Minutes without a status update before the reminder, per severity "
                    '(1 the most severe), JSON: {"1": 30, "2": 60, "3": 120}',
    )
    quiet_hours: str = Field(
        "",
        description="No reminder between these local times, e.g. 22:00-07:00 (empty: none)",
    )
    announcement_room: str = Field(
        "", description="Room where status updates are also broadcast (empty: none)"
    )
    folder: str = Field("Crises", description="Nextcloud folder holding one folder per cell")
    board_poll_seconds: float = Field(
        15.0, gt=0, description="How often the cells' boards are read for moved cards"
    )
    link_days: int = Field(
        7, ge=1, le=60, description="Days the personal meeting links of a cell stay valid"
    )

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        if value and quiet_window(value) is None:
            raise ValueError("expected HH:MM-HH:MM, e.g. 22:00-07:00")
        return value

    @field_validator("reminder_minutes")
    @classmethod
    def _positive(cls, value: dict[int, int]) -> dict[int, int]:
        if any(minutes <= 0 for minutes in value.values()):
            raise ValueError("every interval must be a positive number of minutes")
        return value

    def reminder_for(self, severity: int) -> int:
        return self.reminder_minutes.get(severity, min(self.reminder_minutes.values(),
                                                         default=60))


def quiet_window(text: str) -> tuple[time, time] | None:
    found = QUIET_HOURS.match(text.strip())
    if found is None:
        return None
    hours = [int(found.group(i)) for i in (1, 2, 3, 4)]
    if hours[0] > 23 or hours[2] > 23 or hours[1] > 59 or hours[3] > 59:  # noqa: PLR2004
        return None
    return time(hours[0], hours[1]), time(hours[2], hours[3])
