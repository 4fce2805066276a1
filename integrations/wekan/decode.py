"""The one response decoder of every Wekan route (wekan/wekan v11.07 server/apiMiddleware.js,
server/authentication.js and server/models/*.js: four error envelopes).

HTTP 200 does not mean success: Wekan serialises Meteor errors into 200 bodies, answers an
unknown board with `{}`, an unknown card with an empty body, and an unknown route with the
HTML app shell. This function looks at the body, not only at the status.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from integrations.wekan.errors import (
    WekanBadRequest,
    WekanError,
    WekanForbidden,
    WekanNotFound,
    WekanProtocolError,
    WekanRateLimited,
    WekanUnauthorized,
    WekanUnavailable,
)

_SERVER_ERROR = 500
_EXCERPT = 80


class Expect(Enum):
    OBJECT = "object"  # a non-empty JSON object
    LIST = "list"  # a JSON array
    ID = "id"  # a bare JSON string id or {"_id": "..."}
    ANYTHING = "anything"  # any JSON value, or nothing


_BY_NAME: dict[str, type[WekanError]] = {
    "unauthorized": WekanUnauthorized,
    "login-failed": WekanUnauthorized,
    "forbidden": WekanForbidden,
    "notfound": WekanNotFound,
    "not-found": WekanNotFound,
    "too-many-requests": WekanRateLimited,
}
_BY_STATUS: dict[int, type[WekanError]] = {
    400: WekanBadRequest,
    401: WekanUnauthorized,
    403: WekanForbidden,
    404: WekanNotFound,
    429: WekanRateLimited,
}


def decode(
    status: int,
    content_type: str,
    body: bytes,
    expect: Expect,
    *,
    retry_after: float = 0.0,
) -> Any:
    """The JSON value of a successful answer, or the typed error it really carries."""
    if status >= _SERVER_ERROR:
        raise WekanUnavailable(f"HTTP {status}: {_excerpt(body)}", status=status)
    if not body.strip():
        return _empty(status, expect)
    value = _json(status, content_type, body)
    if isinstance(value, dict) and "error" in value:
        raise _error_from(value, status, retry_after)
    if not 200 <= status < 300:  # noqa: PLR2004 - the 2xx range
        raise _error_class(status)(f"HTTP {status}: {_excerpt(body)}", status=status)
    return _check_shape(value, expect, body)


def _empty(status: int, expect: Expect) -> None:
    if status == 401:  # noqa: PLR2004 - ≤ v10.91 refuses an unknown authorId with 401 and no body
        raise WekanUnauthorized("HTTP 401 without a body", status=status)
    if not 200 <= status < 300:  # noqa: PLR2004
        raise _error_class(status)(f"HTTP {status} without a body", status=status)
    if expect is not Expect.ANYTHING:
        # Unknown list or card GET answers 200 with an empty body (§2, §5.9).
        raise WekanNotFound("empty answer", status=status)


def _json(status: int, content_type: str, body: bytes) -> Any:
    if "json" not in content_type.lower():
        if status in (401, 404):  # thrown errors of card routes become HTML pages (envelope 4)
            raise _error_class(status)(f"HTTP {status} page", status=status)
        raise WekanProtocolError(
            f"HTTP {status} {content_type or 'no type'}, not JSON: {_excerpt(body)}",
            status=status,
        )
    try:
        return json.loads(body)
    except ValueError as exc:
        raise WekanProtocolError(f"invalid JSON: {_excerpt(body)}", status=status) from exc


def _error_from(value: dict[str, Any], status: int, retry_after: float) -> WekanError:
    """Envelopes 1 and 3: a serialised Meteor error (often with HTTP 200) or `{error}`."""
    name = str(value.get("error", ""))
    reason = str(value.get("reason") or name)
    code = value.get("statusCode")
    real = code if isinstance(code, int) else status
    kind = _BY_NAME.get(name.lower()) or _BY_STATUS.get(real)
    if kind is None:
        kind = WekanBadRequest if real < _SERVER_ERROR else WekanUnavailable
    if kind is WekanRateLimited:
        return WekanRateLimited(reason, retry_after=retry_after, status=real)
    return kind(reason, status=real)


def _error_class(status: int) -> type[WekanError]:
    return _BY_STATUS.get(status, WekanProtocolError)


def _check_shape(value: Any, expect: Expect, body: bytes) -> Any:
    if expect is Expect.OBJECT:
        if not isinstance(value, dict):
            raise WekanProtocolError(f"expected an object: {_excerpt(body)}")
        if not value:
            raise WekanNotFound("empty object")  # ≤ v9.66 unknown board: a TypeError as {}
        return value
    if expect is Expect.LIST:
        if isinstance(value, dict) and not value:
            raise WekanNotFound("empty object")
        if not isinstance(value, list):
            raise WekanProtocolError(f"expected a list: {_excerpt(body)}")
        return value
    if expect is Expect.ID:
        return _id(value, body)
    return value


def _id(value: Any, body: bytes) -> str:
    found = value.get("_id") if isinstance(value, dict) else value
    if isinstance(value, dict) and not value:
        raise WekanNotFound("empty object")
    if not isinstance(found, str) or not found:
        raise WekanProtocolError(f"expected an id: {_excerpt(body)}")
    return found


def _excerpt(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip().replace("\n", " ")
    return text[:_EXCERPT] + ("…" if len(text) > _EXCERPT else "")
