"""The Jitsi adapter of MeetingPort: room names, tokenless links and signed personal links."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import ClassVar
from urllib.parse import quote

from bot.ports.meetings import Attendee, MeetingCapabilities, PersonalLink
from integrations.jitsi import rooms
from integrations.jitsi.links import meeting_url
from integrations.jitsi.settings import JitsiSettings
from integrations.jitsi.tokens import Signer, claims, secret_is_short

log = logging.getLogger(__name__)


class JitsiNotConfigured(ValueError):
    pass


class JitsiMeetings:
    service_label: ClassVar[str] = "Jitsi"

    def __init__(
        self,
        settings: JitsiSettings,
        rocketchat_url: str | None = None,
        *,
        organization: str | None = None,
    ) -> None:
        if settings.base_url is None or settings.app_secret is None:
            raise JitsiNotConfigured("the Jitsi base URL and app secret are both needed")
        secret = settings.app_secret.get_secret_value()
        if secret_is_short(secret):
            log.warning(
                "the Jitsi app secret is shorter than 32 bytes; ask the Jitsi administrators "
                "for a longer one",
                extra={"secret_bytes": len(secret.encode())},
            )
        self._settings = settings
        # The administration's name leads every meeting window's title (config.subject).
        self._organization = organization
        self._base_url = str(settings.base_url).rstrip("/")
        # The avatar URL names the chat host and the username: only when asked for.
        avatar_base = rocketchat_url if settings.token_avatar else None
        self._avatar_base = avatar_base.rstrip("/") if avatar_base else None
        tenant = (settings.tenant or "").strip("/").lower() or None
        self._tenant = tenant
        self._signer = Signer(
            issuer=settings.app_id,
            audience=settings.audience or settings.app_id,
            # With tenants Prosody matches `sub` against the tenant (lib-jitsi-meet doc/tokens.md).
            subject=tenant or settings.xmpp_domain,
            secret=secret,
            algorithm=settings.alg,
        )
        self.capabilities = MeetingCapabilities(
            guest_domain=settings.has_guest_domain,
            lobby_autostart=settings.lobby_autostart,
            lobby_bypass=settings.has_lobby_bypass,
            token_affiliation=settings.has_token_affiliation,
            wait_for_host=settings.has_wait_for_host,
        )

    def new_room_name(self, title: str) -> str:
        return rooms.room_name(title)

    def call_room_name(self, call_id: str, title: str) -> str:
        if not self._settings.call_room_from_call_id:
            return rooms.room_name(title)
        return rooms.call_room_name(
            self._settings.call_room_prefix, call_id, self._settings.call_room_suffix
        )

    def _title(self, subject: str) -> str:
        return f"{self._organization} · {subject}" if self._organization else subject

    def public_url(self, room: str, *, subject: str, language: str) -> str:
        return meeting_url(
            self._base_url, self._tenant, room, language=language, subject=self._title(subject)
        )

    def personal_link(
        self,
        room: str,
        *,
        subject: str,
        language: str,
        attendee: Attendee,
        now: datetime,
        expires_at: datetime,
    ) -> PersonalLink:
        avatar = self._avatar(attendee)
        body = claims(
            self._signer,
            attendee,
            room=room,
            now=now,
            expires_at=expires_at,
            avatar=avatar,
        )
        token = self._signer.sign(body)
        log.info(
            "meeting link signed",
            extra={
                "room": room,
                "sub": body["sub"],
                "exp": body["exp"],
                "user_id": attendee.user_id or "-",
                "role": attendee.role.value,
            },
        )
        url = meeting_url(
            self._base_url,
            self._tenant,
            room,
            language=language,
            subject=self._title(subject),
            token=token,
            token_in_fragment=self._settings.token_in_fragment,
        )
        return PersonalLink(url=url, expires_at=expires_at)

    def _avatar(self, attendee: Attendee) -> str | None:
        if self._avatar_base is None or not attendee.username:
            return None
        return f"{self._avatar_base}/avatar/{quote(attendee.username)}"
