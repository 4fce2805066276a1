"""Fault injection, Basic auth and the OCS CSRF rule, in front of every handler."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from . import davxml
from .directory import Account
from .envelope import OcsError, ocs_failure, unauthorised
from .l10n import localise
from .state import state_of

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ACCOUNT_KEY = web.RequestKey("nextcloud_account", Account)

# Reachable without credentials (OCS capabilities is a public page in Nextcloud).
PUBLIC_OCS = ("/ocs/v1.php/cloud/capabilities", "/ocs/v2.php/cloud/capabilities")


def account_of(request: web.Request) -> Account:
    return request[ACCOUNT_KEY]


@web.middleware
async def faults_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/_sandbox/"):
        return await handler(request)
    faults = state_of(request).faults
    if faults.latency_ms:
        await asyncio.sleep(faults.latency_ms / 1000)
    if faults.should_fail():
        return web.Response(status=faults.error_status, text="Internal Server Error",
                            content_type="text/html")
    return await handler(request)


def _dav_unauthorised() -> web.Response:
    body = davxml.error_xml(
        "NotAuthenticated",
        "No public access to this resource., Username or password was incorrect",
    )
    return web.Response(status=401, text=body, content_type="application/xml",
                        headers={"WWW-Authenticate": 'Basic realm="Nextcloud", charset="UTF-8"'})


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path
    is_ocs = path.startswith("/ocs/")
    is_dav = path.startswith("/remote.php/")
    if not (is_ocs or is_dav):
        return await handler(request)
    header = request.headers.get("Authorization")
    account = state_of(request).directory.authenticate(header)
    if account is None:
        if is_ocs and header is None and path in PUBLIC_OCS:
            return await _ocs_call(request, handler)
        return unauthorised() if is_ocs else _dav_unauthorised()
    request[ACCOUNT_KEY] = account
    if is_ocs:
        if request.headers.get("OCS-APIRequest", "").lower() != "true":
            return web.json_response({"message": "CSRF check failed"}, status=412)
        return await _ocs_call(request, handler)
    return await handler(request)


INVALID_QUERY = ("Invalid query, please check the syntax. API specifications are here: "
                 "http://www.freedesktop.org/wiki/Specifications/open-collaboration-services.")


async def _ocs_call(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except OcsError as exc:
        # Only capabilities answer without an account; they never fail.
        account = request.get(ACCOUNT_KEY)
        language = account.language if account is not None else "en"
        return ocs_failure(request, exc.statuscode, localise(exc.message, language))
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
        # Unknown OCS route: statuscode 998 and HTTP 404 on both versions (OC\OCS\ApiHelper).
        response = ocs_failure(request, 998, INVALID_QUERY)
        response.set_status(404)
        return response
