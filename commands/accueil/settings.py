"""ENSEMBLE_ACCUEIL__: the welcome of newcomers and the écogestes suggestions."""

from __future__ import annotations

import string

from pydantic import AnyHttpUrl, BaseModel, Field, field_validator

from bot.config import StrList

# What a welcome template may name; anything else stops the start, naming the setting.
PLACEHOLDERS = ("name", "username", "chat_url", "meetings_url", "files_url", "boards_url")
MEGABYTE = 1024 * 1024


def check_template(text: str) -> str:
    """The template as given, or ValueError saying what is wrong with it (never its text)."""
    if not text.strip():
        raise ValueError("the welcome template is empty")
    try:
        names = [name for _, name, spec, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:  # a lone "{" or "}"
        raise ValueError(f"not a valid template ({exc}); write {{{{ and }}}} for braces") from None
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        shown = ", ".join(f"{{{name}}}" for name in unknown)
        raise ValueError(f"unknown placeholder {shown}; allowed: {allowed}")
    return text


class WelcomeSettings(BaseModel):
    welcome: bool = Field(True, description="Send a welcome DM to every person who joins")
    welcome_rooms: StrList = Field(
        default_factory=lambda: ["general"],
        description="Rooms every new account joins by default (Rocket.Chat's default "
        "channels): a person joining one of them for the first time is welcomed",
    )
    ignored_accounts: StrList = Field(
        default_factory=list,
        description="Usernames never welcomed (admin and service accounts; bots never are)",
    )
    template_fr: str | None = Field(
        None,
        description="French welcome text replacing the built-in one (or _FILE: a file); "
        "placeholders {name} {username} {chat_url} {meetings_url} {files_url} {boards_url}",
    )
    template_en: str | None = Field(
        None, description="English welcome text, same placeholders (or _FILE: a file)"
    )
    chat_url: AnyHttpUrl | None = Field(
        None, description="DISCUTONS link in the welcome; unset = ENSEMBLE_ROCKETCHAT__URL"
    )
    meetings_url: AnyHttpUrl | None = Field(
        None, description="RÉUNIONS link in the welcome; unset = ENSEMBLE_JITSI__BASE_URL"
    )
    files_url: AnyHttpUrl | None = Field(
        None, description="PARTAGEONS link in the welcome; unset = ENSEMBLE_NEXTCLOUD__URL"
    )
    boards_url: AnyHttpUrl | None = Field(
        None, description="PLANIFIONS link in the welcome; unset = ENSEMBLE_WEKAN__URL"
    )

    @field_validator("template_fr", "template_en")
    @classmethod
    def _valid_template(cls, value: str | None) -> str | None:
        return None if value is None else check_template(value)

    def template(self, language: str) -> str | None:
        return self.template_en if language == "en" else self.template_fr


class EcogestesSettings(BaseModel):
    ecogestes: bool = Field(
        True, description="Suggest moving heavy attachments and office documents to Nextcloud"
    )
    ecogestes_threshold_mb: float = Field(
        5.0, gt=0, description="Attachments from this size (MB) get the suggestion"
    )

    @property
    def threshold_bytes(self) -> int:
        return int(self.ecogestes_threshold_mb * MEGABYTE)


class AccueilSettings(EcogestesSettings, WelcomeSettings):
    """The whole ENSEMBLE_ACCUEIL__ section."""
