"""Room names: `reunion-<slug>-<random>`, lowercase ASCII, unguessable.

`[a-z0-9-]` survives the web client's normalisation (it lowercases and URL-encodes the path,
jitsi-meet react/features/base/util/uri.ts `getBackendSafeRoomName`) and Prosody's ASCII
lowercasing of the `room` claim unchanged, so the claim always matches the joined room.
"""

from __future__ import annotations

import re
import secrets
import string
import unicodedata

PREFIX = "reunion"
SLUG_MAX = 24
RANDOM_ALPHABET = string.ascii_lowercase + string.digits
# At least 80 bits of randomness, not the 10 characters (about 51 bits) a room name often gets:
# guest links carry no token, so the name alone keeps strangers from finding a room and
# knocking. 16 × log2(36) ≈ 82.7 bits; the longest name,
# "reunion-" + 24-character slug + "-" + 16, is 49 characters, within MAX_LENGTH.
RANDOM_LENGTH = 16
MAX_LENGTH = 64
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NOT_CALL = re.compile(r"[^a-z0-9_.-]+")


def slugify(title: str, limit: int = SLUG_MAX) -> str:
    """Lowercase ASCII words joined by '-': accents stripped (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", title.lower())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = _NOT_SLUG.sub("-", ascii_only).strip("-")
    return slug[:limit].strip("-")


def random_part(length: int = RANDOM_LENGTH) -> str:
    return "".join(secrets.choice(RANDOM_ALPHABET) for _ in range(length))


def room_name(title: str) -> str:
    slug = slugify(title)
    parts = [PREFIX, slug, random_part()] if slug else [PREFIX, random_part()]
    return "-".join(parts)


def call_room_name(prefix: str, call_id: str, suffix: str) -> str:
    """`<prefix><callId><suffix>`, the name Rocket.Chat's Jitsi app gives a call's room
    (RocketChat/Apps.Jitsi src/videoConfProvider.ts, `getRoomIdentification`), lowercased
    as the Jitsi client joins it; characters the client would strip are dropped."""
    name = _NOT_CALL.sub("", f"{prefix}{call_id}{suffix}".lower())
    return name[:MAX_LENGTH]
