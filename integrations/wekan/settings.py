"""Settings of the Wekan adapter and its webhook endpoint: ENSEMBLE_WEKAN__<FIELD> (how /tache
follows boards is in commands/kanban/settings.py, read from the same section)."""

from __future__ import annotations

from pydantic import AnyHttpUrl, BaseModel, Field, SecretStr

from bot.config import InvalidSetting, complete_or_empty, secret_text

# Sent in clear in X-Wekan-Token by anyone who can reach the bot: 24 random hex characters are
# 96 bits, out of reach of online guessing (`openssl rand -hex 16` gives 32).
MIN_WEBHOOK_TOKEN_CHARS = 24


class WekanSettings(BaseModel):
    url: AnyHttpUrl | None = Field(None, description="Base URL of the Wekan server")
    username: str | None = Field(None, description="Wekan account of the bot")
    password: SecretStr | None = Field(None, description="Password of that account")
    webhook_token: SecretStr | None = Field(
        None, description="Secret expected in X-Wekan-Token on incoming webhooks"
    )
    request_timeout_seconds: float = Field(15.0, gt=0, description="Timeout of one call")
    max_concurrent_requests: int = Field(
        4, ge=1, le=64, description="Calls to Wekan in flight at once (it has no rate limit)"
    )

    @property
    def configured(self) -> bool:
        return bool(self.url and self.username and self.password)


def usable(section: WekanSettings) -> WekanSettings:
    """A section is off (nothing set) or usable: the settings model checks it at start, while
    the adapter alone may still be given a partial one (and refuses it itself)."""
    complete_or_empty(section, "wekan", ("url", "username", "password"), "Wekan")
    token = secret_text(section.webhook_token)
    if token and len(token) < MIN_WEBHOOK_TOKEN_CHARS:
        raise InvalidSetting(
            [("wekan", "webhook_token")],
            f"too short: {len(token)} characters where at least {MIN_WEBHOOK_TOKEN_CHARS} "
            "are needed, since anyone who can reach the bot may guess; use a random one "
            "(`openssl rand -hex 16`), the same in Wekan's outgoing webhook",
        )
    return section
