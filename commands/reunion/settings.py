"""What /reunion decides on its own, read from the ENSEMBLE_JITSI__ section where its
variables have always been (the composition root merges it with the Jitsi adapter's)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MeetingSettings(BaseModel):
    proactive_dm_max_members: int = Field(
        25, ge=0, description="Rooms up to this size get personal links by DM without a click"
    )
