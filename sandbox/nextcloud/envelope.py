"""OCS envelope v1/v2, XML or JSON, and request parameter reading (Nextcloud 30
lib/private/AppFramework/OCS/V1Response.php and V2Response.php)."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web

from .l10n import Message

V1_OK = 100
V2_OK = 200


class OcsError(Exception):
    """An OCS failure: `statuscode` goes in meta (and is the HTTP status on v2); the message
    is said in the account's language when the answer is rendered (`l10n.localise`)."""

    def __init__(self, statuscode: int, message: Message) -> None:
        super().__init__(str(message))
        self.statuscode = statuscode
        self.message = message


def ocs_version(request: web.Request) -> int:
    return 2 if request.path.startswith("/ocs/v2.php") else 1


def wants_json(request: web.Request) -> bool:
    """`format=json` wins; otherwise an Accept header naming JSON, as OCS does."""
    fmt = request.query.get("format")
    if fmt is not None:
        return fmt == "json"
    return "application/json" in request.headers.get("Accept", "")


def _xml_value(value: Any, indent: str) -> str:
    if isinstance(value, dict):
        inner = "".join(
            f"{indent} <{k}>{_xml_value(v, indent + ' ')}</{k}>\n" for k, v in value.items()
        )
        return f"\n{inner}{indent}"
    if isinstance(value, list):
        inner = "".join(
            f"{indent} <element>{_xml_value(v, indent + ' ')}</element>\n" for v in value
        )
        return f"\n{inner}{indent}"
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    return escape(str(value))


def _render(request: web.Request, meta: dict[str, Any], data: Any, status: int) -> web.Response:
    if wants_json(request):
        # PHP's json_encode escapes "/" — kept so byte-level comparisons match the real server.
        body = json.dumps({"ocs": {"meta": meta, "data": data}}).replace("/", "\\/")
        return web.Response(status=status, text=body, content_type="application/json")
    xml = (
        '<?xml version="1.0"?>\n<ocs>\n <meta>'
        f"{_xml_value(meta, ' ')}</meta>\n <data>{_xml_value(data, ' ')}</data>\n</ocs>\n"
    )
    return web.Response(status=status, text=xml, content_type="application/xml")


def ocs_ok(request: web.Request, data: Any) -> web.Response:
    if ocs_version(request) == 1:
        meta: dict[str, Any] = {"status": "ok", "statuscode": V1_OK, "message": "OK",
                                "totalitems": "", "itemsperpage": ""}
    else:
        meta = {"status": "ok", "statuscode": V2_OK, "message": "OK"}
    return _render(request, meta, data, 200)


def ocs_failure(request: web.Request, statuscode: int, message: str,
                data: Any = None) -> web.Response:
    """v1: HTTP 200 with the code in meta; v2: HTTP status = statuscode [run]."""
    payload = [] if data is None else data
    if ocs_version(request) == 1:
        meta: dict[str, Any] = {"status": "failure", "statuscode": statuscode,
                                "message": message, "totalitems": "", "itemsperpage": ""}
        return _render(request, meta, payload, 200)
    meta = {"status": "failure", "statuscode": statuscode, "message": message}
    return _render(request, meta, payload, v2_http_status(statuscode))


# OCSController::RESPOND_* codes that V2Response::getStatus turns into HTTP statuses.
_V2_OCS_CODES = {997: 401, 998: 404, 996: 500, 999: 500}


def v2_http_status(statuscode: int) -> int:
    """V2Response::getStatus: 997→401, 998→404, 996/999→500, other codes outside
    200..600 → 400, the rest passed through (nextcloud/server
    lib/private/AppFramework/OCS/V2Response.php getStatus)."""
    if statuscode in _V2_OCS_CODES:
        return _V2_OCS_CODES[statuscode]
    return 400 if statuscode < 200 or statuscode > 600 else statuscode


def unauthorised() -> web.Response:
    """Bad credentials: HTTP 401 with an XML 997 body even when JSON was asked [run]."""
    xml = (
        '<?xml version="1.0"?>\n<ocs>\n <meta>\n  <status>failure</status>\n'
        "  <statuscode>997</statuscode>\n  <message>Unauthorised</message>\n"
        "  <totalitems></totalitems>\n  <itemsperpage></itemsperpage>\n </meta>\n"
        " <data/>\n</ocs>\n"
    )
    return web.Response(status=401, text=xml, content_type="application/xml",
                        headers={"WWW-Authenticate": 'Basic realm="Nextcloud", charset="UTF-8"'})


async def read_params(request: web.Request) -> dict[str, str]:
    """Query string, then form or JSON body: all three carry share parameters [run]."""
    params: dict[str, str] = dict(request.query)
    params.pop("format", None)
    if not request.can_read_body:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError as exc:
            raise OcsError(400, "Invalid JSON body") from exc
        if isinstance(body, dict):
            params.update({k: _as_text(v) for k, v in body.items()})
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
