"""How /tache follows linked boards, read from the ENSEMBLE_WEKAN__ section where its
variables have always been (the composition root merges it with the Wekan adapter's)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class BoardSettings(BaseModel):
    poll_interval_seconds: int = Field(
        60, ge=5, description="Polling period of linked boards when webhooks cannot reach us"
    )
    polling: bool = Field(
        True,
        description="Poll linked boards for card events (Wekan's webhooks cannot reach "
        "a bot on a private network); harmless next to webhooks, nothing is told twice",
    )
