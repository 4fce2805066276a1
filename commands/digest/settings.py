"""How /digest runs, read from ENSEMBLE_DIGEST__<FIELD>."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.config import StrList


class DigestSettings(BaseModel):
    grace_minutes: int = Field(
        120, ge=0,
        description="A digest whose time passed while the bot was down is still sent this "
        "many minutes late; past that it is skipped and the next one covers the period",
    )
    spread_seconds: int = Field(
        60, ge=0, le=3600,
        description="People with the same digest time get it spread over this many seconds",
    )
    check_seconds: float = Field(
        15.0, gt=0, description="How often the leader looks for digests that are due"
    )
    claim_lease_seconds: float = Field(
        180.0, gt=0,
        description="A digest claimed by a replica that died before sending it is sent by "
        "another after this long (same message id: never twice)",
    )
    batch_size: int = Field(
        2000, ge=1, description="Digests gathered together in one run (data read once for all)"
    )
    concurrent_sends: int = Field(
        8, ge=1, description="Digests handed to the chat's outbound queue at once"
    )
    default_schedule: str = Field(
        "quotidien 08:30",
        description="The schedule of people subscribed by their role (as typed after /digest)",
    )
    roles: StrList = Field(
        default_factory=list,
        description="Rocket.Chat roles whose members get the default digest without asking "
        "(comma-separated, e.g. manager); each can still change or stop theirs",
    )
