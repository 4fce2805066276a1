"""Settings of the Jitsi adapter: ENSEMBLE_JITSI__<FIELD> (what /reunion itself decides is in
commands/reunion/settings.py, read from the same section)."""

from __future__ import annotations

from pydantic import AnyHttpUrl, BaseModel, Field, SecretStr

from bot.config import InvalidSetting, complete_or_empty, secret_text

# RFC 7518 §3.2: an HMAC key at least as long as the hash output. Prosody signs with HS256.
HMAC_MIN_SECRET_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}


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
    call_room_prefix: str = Field("", description="Prefix of room names made from call ids")
    call_room_suffix: str = Field("", description="Suffix of room names made from call ids")
    call_room_from_call_id: bool = Field(
        True, description="Name call-button rooms after the call id (as the Rocket.Chat app)"
    )

    @property
    def configured(self) -> bool:
        return self.base_url is not None and self.app_secret is not None


def usable(section: JitsiSettings) -> JitsiSettings:
    """A section is off (nothing set) or usable: the settings model checks it at start, while
    the adapter alone may still be given a partial one (and refuses it itself)."""
    complete_or_empty(section, "jitsi", ("base_url", "app_secret"), "Jitsi")
    minimum = HMAC_MIN_SECRET_BYTES.get(section.alg.upper())
    secret = secret_text(section.app_secret)
    if minimum is not None and secret and len(secret.encode()) < minimum:
        raise InvalidSetting(
            [("jitsi", "app_secret")],
            f"too short: {len(secret.encode())} bytes where {section.alg} needs at least "
            f"{minimum} (RFC 7518 §3.2); set a longer secret here and in Prosody",
        )
    return section
