"""The JWT Prosody accepts, one per attendee.

Prosody checks `typ == "JWT"`, the `alg` it is configured with, `iss`, `aud` compared as a
string, `room` and `sub` (jitsi-meet resources/prosody-plugins/luajwtjitsi.lib.lua `verify`,
token/util.lib.lua `process_and_verify_token`, `verify_room`); it allows no clock skew, hence
the back-dated `nbf`. Roles follow mod_token_affiliation (`affiliation`, `context.user.moderator`),
token_lobby_bypass (`context.user.lobby_bypass`) and the top-level `moderator` of Rocket.Chat's
Jitsi app.

Every token asks for the lobby (`context.room.lobby: true`): jitsi-contrib/prosody-plugins
token_security_ondemand/mod_token_security_ondemand.lua turns the lobby on as soon as the first
token holder joins; on a JWT server only token holders open a room, so tokenless guests always
find the lobby on, whoever arrived first. `lobby: false` would switch it off again there, so it
is never written.

A token is read by the Jitsi operators and by every participant's browser: it carries the
display name and an opaque id, not the chat's avatar URL (chat host and username) nor the
chat room id, unless the deployment asks for the avatar.
"""

from __future__ import annotations

import hashlib
import hmac
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.ports.meetings import Attendee, MeetingRole

CLOCK_SKEW = timedelta(seconds=60)
MIN_SECRET_BYTES = 32
OPAQUE_ID_HEX = 32
JSONObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Signer:
    issuer: str
    audience: str
    subject: str
    secret: str
    algorithm: str = "HS256"

    def sign(self, claims: JSONObject) -> str:
        # Imported at the first link: PyJWT loads `cryptography` (8.5 MiB resident) for its
        # asymmetric algorithms, which a bot that signs no meeting never needs.
        import jwt  # noqa: PLC0415

        with warnings.catch_warnings():
            # The short-secret warning is logged once at start (JitsiMeetings), not per token.
            warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
            return jwt.encode(
                claims, self.secret, algorithm=self.algorithm, headers={"typ": "JWT"}
            )

    def opaque_id(self, user_id: str) -> str:
        """Stable for one person (Jitsi may tell their joins apart) and not the chat's user id:
        nobody without the app secret can link it back to the chat account."""
        digest = hmac.new(
            self.secret.encode(), f"ensemble-user:{user_id}".encode(), hashlib.sha256
        )
        return digest.hexdigest()[:OPAQUE_ID_HEX]


def secret_is_short(secret: str) -> bool:
    """PyJWT and RFC 7518 §3.2 want at least 32 bytes for HS256."""
    return len(secret.encode()) < MIN_SECRET_BYTES


def _user(signer: Signer, attendee: Attendee, avatar: str | None) -> JSONObject:
    user: JSONObject = {"name": attendee.name}
    if attendee.user_id:
        user["id"] = signer.opaque_id(attendee.user_id)
    if avatar:
        user["avatar"] = avatar
    if attendee.role is MeetingRole.ORGANIZER:
        user.update(moderator=True, affiliation="owner", lobby_bypass=True)
    elif attendee.role is MeetingRole.MEMBER:
        user.update(moderator=False, affiliation="member", lobby_bypass=True)
    else:
        # An outsider's token must not skip the lobby: a moderator admits them.
        user.update(moderator=False, affiliation="member")
    return user


def claims(
    signer: Signer,
    attendee: Attendee,
    *,
    room: str,
    now: datetime,
    expires_at: datetime,
    avatar: str | None = None,
) -> JSONObject:
    if room == "*" or not room:
        raise ValueError("a token is always limited to one named room")
    context: JSONObject = {"user": _user(signer, attendee, avatar), "room": {"lobby": True}}
    body: JSONObject = {
        "iss": signer.issuer,
        "aud": signer.audience,
        "sub": signer.subject,
        "room": room,
        "iat": int(now.timestamp()),
        "nbf": int((now - CLOCK_SKEW).timestamp()),
        "exp": int(expires_at.timestamp()),
        "context": context,
    }
    if attendee.role is MeetingRole.ORGANIZER:
        body["moderator"] = True
    elif attendee.role is MeetingRole.MEMBER:
        body["moderator"] = False
    return body
