"""The core's settings (store, http, log, ha, rate limit, locale, time zone, roles) and the
machinery every settings section shares: ENSEMBLE_* variables, `.env` and *_FILE.

Each adapter's section lives with its adapter (integrations/<x>/settings.py) and a feature's
with its slice; composition/settings.py joins them into the one model the bot reads."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from sqlalchemy.engine import make_url

from bot.i18n import missing_catalogs
from bot.secret_files import SecretFilesSource

ENV_PREFIX = "ENSEMBLE_"
NESTED_DELIMITER = "__"
DEFAULT_SQLITE_PATH = Path("data") / "ensemble.db"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
LIST_FORM = 'expected comma-separated values (a,b) or a JSON list (["a","b"])'


class InvalidSetting(ValueError):
    """A check across fields of a section; names every variable to fix, never a value."""

    def __init__(self, locations: Sequence[tuple[str, ...]], reason: str) -> None:
        self.locations = tuple(locations)
        self.reason = reason
        super().__init__(f"{', '.join(env_name(loc) for loc in self.locations)}: {reason}")


def _split_list(value: object) -> object:
    """A list typed in an environment: `admin,crise` as people write it, or a JSON list."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(f"not a JSON list: {LIST_FORM}") from None
    return [item.strip() for item in text.split(",") if item.strip()]


# NoDecode keeps pydantic-settings from insisting on JSON (and failing with a traceback on
# `admin,crise`); the validator then reads both forms. Every list setting uses this type.
StrList = Annotated[list[str], NoDecode, BeforeValidator(_split_list)]


class LogFormat(StrEnum):
    JSON = "json"
    TEXT = "text"


class StoreSettings(BaseModel):
    url: str | None = Field(
        None,
        description=(
            "SQLAlchemy URL of the store: sqlite+aiosqlite:///path.db (default "
            "./data/ensemble.db) or postgresql+asyncpg://user@host/db for production and HA"
        ),
    )

    @field_validator("url")
    @classmethod
    def _known_driver(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            return value
        raise ValueError("expected sqlite+aiosqlite:///<file> or postgresql+asyncpg://<dsn>")

    @property
    def effective_url(self) -> str:
        return self.url or f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}"

    @property
    def sqlite_file(self) -> Path | None:
        """The file of an SQLite store; None for PostgreSQL or an in-memory database."""
        url = make_url(self.effective_url)
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(url.database)


class RateLimitSettings(BaseModel):
    """Stops a script or a stuck client, never a person. Measured pace: the fastest typists
    reach about 120 words a minute (Dhakal et al., "Observations on Typing from 136 Million
    Keystrokes", CHI 2018: mean 52), so a 30-character command takes them 3 s, about 20 a
    minute; pressing the buttons of the bot's messages (each press posts a command) goes at
    about one a second for a handful. Hence a burst of 20 and 60 a minute: three times the
    fastest person, while a script sending several a second is stopped after 20."""

    enabled: bool = Field(
        True,
        description="Per-person command rate limit; the console and the demo turn it off "
        "(one person piping a file of commands)",
    )
    burst: int = Field(
        20,
        ge=1,
        description="Commands a person may send at once: 20 covers a round of button presses "
        "or a minute of the fastest typing (a command every 3 s)",
    )
    per_minute: float = Field(
        60.0,
        gt=0,
        description="Sustained commands per person per minute: 60, three times the fastest "
        "typist's pace (about 20 a minute), far below any script's",
    )


class HaSettings(BaseModel):
    lock_key: int = Field(
        0x454E53454D424C45 & 0x7FFFFFFFFFFFFFFF,
        description="PostgreSQL advisory lock that elects the active replica (same on all)",
    )
    poll_seconds: float = Field(
        2.0, gt=0, description="How often standbys try to take over and the leader checks its lock"
    )


class LogSettings(BaseModel):
    format: LogFormat = Field(LogFormat.JSON, description="json (one object a line) or text")
    level: str = Field("INFO", description="Python logging level")


class HttpSettings(BaseModel):
    host: str = Field("0.0.0.0", description="Interface of the health/metrics/webhook server")  # noqa: S104
    port: int = Field(8080, ge=0, le=65535, description="Port of that server (0 = disabled)")


HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# What an avatar file must start with: PNG, JPEG, GIF, WebP (RIFF) or SVG.
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"RIFF", b"<svg", b"<?xml")
MAX_AVATAR_BYTES = 5 * 1024 * 1024


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


class BrandingSettings(BaseModel):
    """How the bot looks: its account's name and avatar (set on the chat server at start when
    they differ), the colour of every attachment it posts, the administration's name."""

    name: str | None = Field(None, description="Display name of the bot's chat account")
    avatar: str | None = Field(
        None,
        description="Avatar of the bot's chat account: an image file (PNG, JPEG, GIF, WebP, "
        "SVG; 5 MB at most) or an http(s) URL",
    )
    color: str | None = Field(
        None, description="Colour of the bot's message attachments, e.g. #000091"
    )
    organization: str | None = Field(
        None, description="The administration's name, shown in the title of meeting windows"
    )
    ics_organizer: str | None = Field(
        None, description="Organizer name written in the .ics invitations (none when unset)"
    )
    ics_organizer_email: str | None = Field(
        None, description="Organizer address of the .ics invitations; unset = noreply@invalid"
    )

    @field_validator("color")
    @classmethod
    def _hex_color(cls, value: str | None) -> str | None:
        if value and not HEX_COLOR.fullmatch(value):
            raise ValueError("expected a colour as #RRGGBB or #RGB")
        return value or None

    @field_validator("avatar")
    @classmethod
    def _image(cls, value: str | None) -> str | None:
        if not value or is_url(value):
            return value or None
        path = Path(value)
        if not path.is_file():
            raise ValueError(f"{value} is not a file; expected an image file or an http(s) URL")
        size = path.stat().st_size
        with path.open("rb") as image:
            head = image.read(16).lstrip()
        if size > MAX_AVATAR_BYTES or not head.startswith(IMAGE_SIGNATURES):
            raise ValueError(f"{value} is not a PNG, JPEG, GIF, WebP or SVG image of 5 MB at most")
        return value


class Settings(BaseSettings):
    """The core's own settings; the composition root extends it with the services' sections."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=NESTED_DELIMITER,
        env_file=".env",
        env_ignore_empty=True,  # `NAME=` as copied from .env.example means unset
        extra="ignore",
    )

    default_locale: str = Field("fr", description="Language of users without a preference")
    timezone: str = Field("Europe/Paris", description="Time zone for dates typed by users")
    locales_dir: Path | None = Field(
        None,
        description="Folder of replacement fr/en message catalogs "
        "(<lang>/LC_MESSAGES/<domain>.po); unset = the catalogs shipped with the bot",
    )
    crisis_roles: StrList = Field(
        default_factory=lambda: ["admin", "crise"],
        description="Rocket.Chat roles allowed to run crisis commands (comma-separated or JSON)",
    )
    admin_roles: StrList = Field(
        default_factory=lambda: ["admin"],
        description="Rocket.Chat roles allowed admin commands (comma-separated or JSON)",
    )
    store: StoreSettings = Field(default_factory=StoreSettings, description="The bot's database")
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    ha: HaSettings = Field(default_factory=HaSettings)
    branding: BrandingSettings = Field(
        default_factory=BrandingSettings,
        description="The bot's name, avatar and colours, the administration's name",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("locales_dir")
    @classmethod
    def _complete_catalogs(cls, value: Path | None) -> Path | None:
        # A folder the operator names must hold every catalog: a missing one would silently
        # turn a language (or a feature's messages) into English message ids.
        if value is None:
            return None
        expected = "<lang>/LC_MESSAGES/<domain>.po for every language and domain the bot ships"
        if not value.is_dir():
            raise ValueError(f"{value} is not a folder; expected {expected}, or leave it unset")
        missing = missing_catalogs(value)
        if missing:
            raise ValueError(f"{value} lacks {', '.join(missing)}; expected {expected}")
        return value

    @field_validator("default_locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        if value not in ("fr", "en"):
            raise ValueError("supported languages are fr and en")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            env_settings,
            SecretFilesSource(settings_cls, ENV_PREFIX, NESTED_DELIMITER),
            dotenv_settings,
        )


def secret_text(value: SecretStr | None) -> str:
    return "" if value is None else value.get_secret_value()


def _is_set(value: object) -> bool:
    text = secret_text(value) if isinstance(value, SecretStr) else value
    return text is not None and text != ""


def complete_or_empty(
    section: BaseModel, name: str, required: tuple[str, ...], service: str
) -> None:
    """A section is off when none of its optional fields is set, usable when all required are;
    anything between is a mistake the operator must hear about, not a feature silently off."""
    optional = [f for f, info in type(section).model_fields.items() if info.default is None]
    given = [f for f in optional if _is_set(getattr(section, f))]
    missing = [f for f in required if not _is_set(getattr(section, f))]
    if given and missing:
        verb = "is" if len(given) == 1 else "are"
        raise InvalidSetting(
            [(name, field) for field in missing],
            f"missing while {', '.join(env_name((name, f)) for f in given)} {verb} set: "
            f"{service} needs {', '.join(env_name((name, f)) for f in required)}; "
            f"leave the whole section unset to switch {service} off",
        )


def env_name(location: tuple[int | str, ...]) -> str:
    """The environment variable behind a field location, e.g. ('store', 'url')."""
    parts = [str(p) for p in location if not isinstance(p, int)]
    return ENV_PREFIX + NESTED_DELIMITER.join(part.upper() for part in parts)


def field_description(location: tuple[int | str, ...], settings: type[BaseModel]) -> str:
    """The description of the field at `location` in the settings model given."""
    model: Any = settings
    description = ""
    for part in location:
        if isinstance(part, int) or not hasattr(model, "model_fields"):
            break
        field = model.model_fields.get(str(part))
        if field is None:
            break
        description = field.description or ""
        model = field.annotation
    return description
