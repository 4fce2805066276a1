"""Settings of the Nextcloud adapter: ENSEMBLE_NEXTCLOUD__<FIELD> (where /partage puts files
and how it shares them is in commands/partage/settings.py, read from the same section)."""

from __future__ import annotations

from pydantic import AnyHttpUrl, BaseModel, Field, SecretStr

from bot.config import complete_or_empty


class NextcloudSettings(BaseModel):
    url: AnyHttpUrl | None = Field(None, description="Base URL of the Nextcloud server")
    username: str | None = Field(None, description="Nextcloud account of the bot")
    app_password: SecretStr | None = Field(None, description="App password of that account")
    policy_refresh_seconds: int = Field(
        300, ge=10, description="How often the server's sharing policy is re-read"
    )
    request_timeout_seconds: float = Field(30.0, gt=0, description="Timeout of one call")
    chunked_upload_above_bytes: int = Field(
        10 * 1024 * 1024, ge=1, description="Files larger than this are uploaded in chunks"
    )
    upload_chunk_bytes: int = Field(
        5 * 1024 * 1024,
        ge=1024 * 1024,
        description="Size of one upload chunk (5 MiB or more uses Nextcloud's chunking v2)",
    )

    @property
    def configured(self) -> bool:
        return None not in (self.url, self.username, self.app_password)


def usable(section: NextcloudSettings) -> NextcloudSettings:
    """A section is off (nothing set) or usable: the settings model checks it at start, while
    the adapter alone may still be given a partial one (and refuses it itself)."""
    complete_or_empty(section, "nextcloud", ("url", "username", "app_password"), "Nextcloud")
    return section
