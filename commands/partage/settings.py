"""What /partage decides on its own, read from the ENSEMBLE_NEXTCLOUD__ section where its
variables have always been (the composition root merges it with the Nextcloud adapter's)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SharingSettings(BaseModel):
    share_root: str = Field("Partage", description="Folder under which room files are stored")
    default_expiry_days: int = Field(7, ge=1, description="Expiry of public links by default")
    link_password_by_default: bool = Field(
        True,
        description="Protect every public link with a password (sent to the requester by DM), "
        "even without --mdp; false leaves it to --mdp and the server's policy",
    )
