"""The one decoder: every error envelope and quirk of Wekan becomes a typed error."""

from __future__ import annotations

import json

import pytest

from bot.errors import ServiceUnavailable
from integrations.wekan.decode import Expect, decode
from integrations.wekan.errors import (
    WekanBadRequest,
    WekanForbidden,
    WekanNotFound,
    WekanProtocolError,
    WekanRateLimited,
    WekanUnauthorized,
    WekanUnavailable,
)

JSON = "application/json"
METEOR_401 = {"isClientSafe": True, "error": "Unauthorized", "reason": "Unauthorized",
              "message": "Unauthorized [Unauthorized]", "errorType": "Meteor.Error",
              "statusCode": 401}


def body(value: object) -> bytes:
    return json.dumps(value).encode()


@pytest.mark.parametrize(
    ("status", "ctype", "raw", "expect", "error"),
    [
        # envelope 1: a serialised Meteor error with HTTP 200
        (200, JSON, body(METEOR_401), Expect.OBJECT, WekanUnauthorized),
        (200, JSON, body({**METEOR_401, "error": "Forbidden", "statusCode": 403}), Expect.LIST,
         WekanForbidden),
        (200, JSON, body({"error": "NotFound", "reason": "Board not found", "statusCode": 404}),
         Expect.OBJECT, WekanNotFound),
        # envelope 2: a TypeError serialised as {}
        (200, JSON, b"{}", Expect.OBJECT, WekanNotFound),
        (200, JSON, b"{}", Expect.LIST, WekanNotFound),
        # envelope 3: real status and a small {error}
        (400, JSON, body({"error": "userId is not an active member of this board"}), Expect.ID,
         WekanBadRequest),
        (404, JSON, body({"error": "Card not found"}), Expect.OBJECT, WekanNotFound),
        (404, JSON, body({"message": "Error"}), Expect.ID, WekanNotFound),
        (403, JSON, body({"error": "Only a board admin can add board members"}), Expect.ANYTHING,
         WekanForbidden),
        (429, JSON, body({"error": "too-many-requests", "reason": "Too many"}), Expect.OBJECT,
         WekanRateLimited),
        # envelope 4: thrown errors become HTML pages; 5xx of any kind
        (500, "text/html", b"<pre>Internal Server Error</pre>", Expect.ID, WekanUnavailable),
        (503, "text/html", b"<pre>Service Unavailable</pre>", Expect.LIST, WekanUnavailable),
        (500, JSON, body({"error": "Forbidden"}), Expect.ID, WekanUnavailable),
        (401, "text/html", b"<pre>Unauthorized</pre>", Expect.OBJECT, WekanUnauthorized),
        (401, "", b"", Expect.ID, WekanUnauthorized),
        # unknown route: the app shell with 200; API disabled: 403 text; legacy 301
        (200, "text/html", b"<!DOCTYPE html><html></html>", Expect.LIST, WekanProtocolError),
        (403, "text/plain", b"WeKan API is disabled", Expect.OBJECT, WekanProtocolError),
        (301, "", b"", Expect.OBJECT, WekanProtocolError),
        # unknown card/list GET: 200 with an empty body
        (200, "", b"", Expect.OBJECT, WekanNotFound),
        # success with the wrong shape
        (200, JSON, body({"_id": 5}), Expect.ID, WekanProtocolError),
        (200, JSON, body([1, 2]), Expect.OBJECT, WekanProtocolError),
        (200, JSON, b"{not json", Expect.OBJECT, WekanProtocolError),
    ],
)
def test_every_failure_shape_is_a_typed_error(
    status: int, ctype: str, raw: bytes, expect: Expect, error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        decode(status, ctype, raw, expect)
    assert isinstance(caught.value, ServiceUnavailable)
    assert caught.value.service == "Wekan"


def test_successful_answers_are_returned() -> None:
    assert decode(200, JSON, body({"_id": "abc"}), Expect.ID) == "abc"
    assert decode(200, JSON, body("newBoardId"), Expect.ID) == "newBoardId"
    assert decode(200, JSON, body([{"_id": "x"}]), Expect.LIST) == [{"_id": "x"}]
    assert decode(200, "", b"", Expect.ANYTHING) is None


def test_retry_after_is_kept_on_rate_limits() -> None:
    with pytest.raises(WekanRateLimited) as caught:
        decode(429, JSON, body({"error": "too-many-requests"}), Expect.OBJECT, retry_after=42)
    assert caught.value.retry_after == 42
