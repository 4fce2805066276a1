"""Settings: one pydantic-settings model, read from ENSEMBLE_* variables, `.env` and *_FILE."""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, BaseModel, BeforeValidator, Field, SecretStr, field_validator
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
# RFC 7518 §3.2: an HMAC key at least as long as the hash output. Prosody signs with HS256.
HMAC_MIN_SECRET_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}
# Sent in clear in X-Wekan-Token by anyone who can reach the bot: 24 random hex characters are
# 96 bits, out of reach of online guessing (`openssl rand -hex 16` gives 32).
MIN_WEBHOOK_TOKEN_CHARS = 24
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
    catch_up_window_minutes: int = Field(
        60, ge=0, description="How far back missed messages are replayed after a reconnection"
    )


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


class JitsiSettings(BaseModel):
    base_url: AnyHttpUrl | None = Field(
        None, description="Public base URL of the Jitsi server, e.g. https://visio.example.org"
    )
    tenant: str | None = Field(None, description="Jitsi tenant (optional path segment)")
    xmpp_domain: str = Field(
        "meet.jitsi", description="XMPP domain signed as `sub` (Prosody VirtualHost)"
    )
    app_id: str = Field("ensemble", description="JWT issuer (`iss`), the Jitsi app id")
    audience: str | None = Field(None, description="JWT audience (`aud`); defaults to app_id")
    app_secret: SecretStr | None = Field(None, description="Shared HS256 secret of Prosody")
    alg: str = Field("HS256", description="JWT signature algorithm, as configured in Prosody")
    has_guest_domain: bool = Field(True, description="Server lets tokenless guests knock")
    has_token_affiliation: bool = Field(True, description="Server maps affiliation claims")
    # jitsi-contrib/prosody-plugins lobby_autostart/mod_lobby_autostart.lua (lobby at room
    # creation) or token_security_ondemand/mod_token_security_ondemand.lua (lobby when the
    # first token with context.room.lobby joins; every token the bot signs has it).
    lobby_autostart: bool = Field(
        False,
        description="The server turns the lobby on before outsiders arrive (jitsi-contrib "
        "lobby_autostart or token_security_ondemand); false: organizers are asked to",
    )
    has_lobby_bypass: bool = Field(True, description="Server honours lobby_bypass claims")
    has_wait_for_host: bool = Field(False, description="Server makes guests wait for a host")
    token_in_fragment: bool = Field(False, description="Put the JWT in #jwt= instead of ?jwt=")
    token_avatar: bool = Field(
        False,
        description="Put the chat avatar URL in tokens (reveals the chat host and username)",
    )
    proactive_dm_max_members: int = Field(
        25, ge=0, description="Rooms up to this size get personal links by DM without a click"
    )
    call_room_prefix: str = Field("", description="Prefix of room names made from call ids")
    call_room_suffix: str = Field("", description="Suffix of room names made from call ids")
    call_room_from_call_id: bool = Field(
        True, description="Name call-button rooms after the call id (as the Rocket.Chat app)"
    )


class NextcloudSettings(BaseModel):
    url: AnyHttpUrl | None = Field(None, description="Base URL of the Nextcloud server")
    username: str | None = Field(None, description="Nextcloud account of the bot")
    app_password: SecretStr | None = Field(None, description="App password of that account")
    share_root: str = Field("Partage", description="Folder under which room files are stored")
    default_expiry_days: int = Field(7, ge=1, description="Expiry of public links by default")
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
    link_password_by_default: bool = Field(
        True,
        description="Protect every public link with a password (sent to the requester by DM), "
        "even without --mdp; false leaves it to --mdp and the server's policy",
    )


class WekanSettings(BaseModel):
    url: AnyHttpUrl | None = Field(None, description="Base URL of the Wekan server")
    username: str | None = Field(None, description="Wekan account of the bot")
    password: SecretStr | None = Field(None, description="Password of that account")
    webhook_token: SecretStr | None = Field(
        None, description="Secret expected in X-Wekan-Token on incoming webhooks"
    )
    poll_interval_seconds: int = Field(
        60, ge=5, description="Polling period of linked boards when webhooks cannot reach us"
    )
    request_timeout_seconds: float = Field(15.0, gt=0, description="Timeout of one call")
    polling: bool = Field(
        True,
        description="Poll linked boards for card events (Wekan's webhooks cannot reach "
        "a bot on a private network); harmless next to webhooks, nothing is told twice",
    )
    max_concurrent_requests: int = Field(
        4, ge=1, le=64, description="Calls to Wekan in flight at once (it has no rate limit)"
    )


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


class Settings(BaseSettings):
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
    rocketchat: RocketChatSettings = Field(
        default_factory=RocketChatSettings, description="Rocket.Chat, the chat the bot lives in"
    )
    store: StoreSettings = Field(default_factory=StoreSettings, description="The bot's database")
    jitsi: JitsiSettings = Field(
        default_factory=JitsiSettings,
        description="Jitsi, for /reunion and the call button; all unset = meetings off",
    )
    nextcloud: NextcloudSettings = Field(
        default_factory=NextcloudSettings,
        description="Nextcloud, for /partage; all unset = file sharing off",
    )
    wekan: WekanSettings = Field(
        default_factory=WekanSettings, description="Wekan, for /tache and /kanban; all unset = off"
    )
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    ha: HaSettings = Field(default_factory=HaSettings)

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

    @field_validator("jitsi")
    @classmethod
    def _jitsi_usable(cls, value: JitsiSettings) -> JitsiSettings:
        _complete_or_empty(value, "jitsi", ("base_url", "app_secret"), "Jitsi")
        minimum = HMAC_MIN_SECRET_BYTES.get(value.alg.upper())
        secret = _secret(value.app_secret)
        if minimum is not None and secret and len(secret.encode()) < minimum:
            raise InvalidSetting(
                [("jitsi", "app_secret")],
                f"too short: {len(secret.encode())} bytes where {value.alg} needs at least "
                f"{minimum} (RFC 7518 §3.2); set a longer secret here and in Prosody",
            )
        return value

    @field_validator("nextcloud")
    @classmethod
    def _nextcloud_usable(cls, value: NextcloudSettings) -> NextcloudSettings:
        _complete_or_empty(value, "nextcloud", ("url", "username", "app_password"), "Nextcloud")
        return value

    @field_validator("wekan")
    @classmethod
    def _wekan_usable(cls, value: WekanSettings) -> WekanSettings:
        _complete_or_empty(value, "wekan", ("url", "username", "password"), "Wekan")
        token = _secret(value.webhook_token)
        if token and len(token) < MIN_WEBHOOK_TOKEN_CHARS:
            raise InvalidSetting(
                [("wekan", "webhook_token")],
                f"too short: {len(token)} characters where at least {MIN_WEBHOOK_TOKEN_CHARS} "
                "are needed, since anyone who can reach the bot may guess; use a random one "
                "(`openssl rand -hex 16`), the same in Wekan's outgoing webhook",
            )
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


def _secret(value: SecretStr | None) -> str:
    return "" if value is None else value.get_secret_value()


def _is_set(value: object) -> bool:
    text = _secret(value) if isinstance(value, SecretStr) else value
    return text is not None and text != ""


def _complete_or_empty(
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


def field_description(location: tuple[int | str, ...]) -> str:
    model: Any = Settings
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
