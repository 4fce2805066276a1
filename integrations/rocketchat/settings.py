"""Settings of the Rocket.Chat adapter: ENSEMBLE_ROCKETCHAT__<FIELD>."""

from __future__ import annotations

from pydantic import AnyHttpUrl, BaseModel, Field, SecretStr


class RocketChatSettings(BaseModel):
    url: AnyHttpUrl | None = Field(
        None, description="Base URL of the Rocket.Chat server, e.g. https://chat.example.org"
    )
    user_id: str | None = Field(None, description="User id of the bot account")
    token: SecretStr | None = Field(
        None, description="Personal access token of the bot account (role `bot`)"
    )
    username: str = Field("ensemble-bot", description="Username of the bot account")
    request_timeout_seconds: float = Field(
        15.0, gt=0, description="Timeout of one REST call to Rocket.Chat"
    )
    reconnect_max_delay_seconds: float = Field(
        30.0, gt=0, description="Upper bound of the reconnection backoff"
    )
    app_secret: SecretStr | None = Field(
        None,
        description="Secret shared with the ENSEMBLE Rocket.Chat App (its setting 'Shared "
        "secret'), at least 32 characters; unset = the app's endpoints are off",
        min_length=32,
    )
    stream_backlog: int = Field(
        1000, ge=1, description="Messages kept from the live stream while the bot is busy; "
        "past it, later ones are read from the chat's history once it has caught up"
    )
    catch_up_window_minutes: int = Field(
        60, ge=0, description="How far back missed messages are replayed after a reconnection"
    )
