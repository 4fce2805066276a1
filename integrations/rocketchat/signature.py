"""The signature of the companion app's requests: HMAC-SHA256 over "<timestamp>.<body>".

Signing the timestamp with the body makes an old request useless to whoever captured it: past
the freshness window it is refused, and a newer timestamp cannot be forged without the secret.
The same scheme as Slack's request signing (v0 = HMAC-SHA256 of "v0:<timestamp>:<body>").
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta

TIMESTAMP_HEADER = "X-Ensemble-Timestamp"
SIGNATURE_HEADER = "X-Ensemble-Signature"
SCHEME = "v1"
MAX_AGE = timedelta(minutes=5)


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The header value the app sends: "v1=<hex digest>"."""
    digest = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"{SCHEME}={digest.hexdigest()}"


def signed_headers(secret: bytes, timestamp: int, body: bytes) -> dict[str, str]:
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, timestamp, body)}


def authentic(secret: bytes, headers: Mapping[str, str], body: bytes, now: datetime) -> bool:
    """Signed with the secret, over this body, no more than `MAX_AGE` away from now (either
    way: a clock a little ahead on the chat server is tolerated, not one from the future)."""
    stamp, given = headers.get(TIMESTAMP_HEADER, ""), headers.get(SIGNATURE_HEADER, "")
    if not stamp.isdigit() or len(stamp) > 12 or not given:
        return False
    age = abs(now.timestamp() - int(stamp))
    if age > MAX_AGE.total_seconds():
        return False
    return hmac.compare_digest(given.encode(), sign(secret, int(stamp), body).encode())
