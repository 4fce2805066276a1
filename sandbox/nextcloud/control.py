"""Inspection and control API under /_sandbox/ (JSON, no auth). See README.md."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any
from zoneinfo import available_timezones

from aiohttp import web

from . import ooxml
from .directory import new_app_password
from .l10n import LANGUAGES
from .shares import check_password
from .state import NextcloudState, state_of
from .tree import Node, TreeError

routes = web.RouteTableDef()


def _bad(message: str, status: int = 400) -> web.HTTPException:
    error = web.HTTPNotFound if status == 404 else web.HTTPBadRequest
    return error(text=json.dumps({"error": message}), content_type="application/json")


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise _bad("body must be a JSON object") from exc
    if not isinstance(body, dict):
        raise _bad("body must be a JSON object")
    return body


def _node_json(node: Node) -> dict[str, Any]:
    return {"path": node.path, "name": node.name, "is_dir": node.is_dir, "size": node.size,
            "fileid": node.fileid, "oc_id": node.oc_id, "etag": node.etag, "mime": node.mime,
            "mtime": node.mtime.isoformat()}


def _node(state: NextcloudState, request: web.Request) -> Node:
    node = state.tree.get(request.match_info["user"], request.query.get("path", ""))
    if node is None:
        raise _bad("no such file", 404)
    return node


def describe_state(state: NextcloudState) -> dict[str, Any]:
    directory = state.directory
    return {
        "users": {uid: {"display_name": a.display_name, "email": a.email, "admin": a.admin,
                        "language": a.language, "groups": directory.groups_of(uid),
                        "quota": state.tree.quotas.get(uid),
                        "used": state.tree.used(uid)}
                  for uid, a in sorted(directory.accounts.items())},
        "groups": {gid: sorted(m) for gid, m in sorted(directory.groups.items())},
        "policy": state.policy.as_dict(),
        "faults": state.faults.as_dict(),
    }


@routes.get("/_sandbox/state")
async def get_state(request: web.Request) -> web.Response:
    return web.json_response(describe_state(state_of(request)))


@routes.get("/_sandbox/files/{user}")
async def list_files(request: web.Request) -> web.Response:
    node = _node(state_of(request), request)
    return web.json_response([_node_json(n) for n in node.walk() if n is not node])


@routes.get("/_sandbox/file/{user}")
async def read_file(request: web.Request) -> web.Response:
    node = _node(state_of(request), request)
    if node.is_dir:
        raise _bad("path is a folder")
    data = _node_json(node)
    data["content_base64"] = base64.b64encode(node.data).decode()
    return web.json_response(data)


@routes.put("/_sandbox/file/{user}")
async def write_file(request: web.Request) -> web.Response:
    """Seed a file (parents created): JSON {"content_base64": …} or {"text": …}."""
    state = state_of(request)
    user, path = request.match_info["user"], request.query.get("path", "")
    body = await _json(request)
    try:
        content = (base64.b64decode(body["content_base64"], validate=True)
                   if "content_base64" in body else str(body.get("text", "")).encode())
    except binascii.Error as exc:
        raise _bad("content_base64 is not base64") from exc
    parent = path.rsplit("/", 1)[0] if "/" in path.strip("/") else ""
    try:
        state.tree.makedirs(user, parent)
        node, _ = state.tree.write(user, path, content)
    except TreeError as exc:
        raise _bad(exc.message) from exc
    return web.json_response(_node_json(node), status=201)


@routes.get("/_sandbox/ooxml/{user}")
async def inspect_ooxml(request: web.Request) -> web.Response:
    node = _node(state_of(request), request)
    report = ooxml.inspect(node.data)
    report["path"] = node.path
    return web.json_response(report)


@routes.get("/_sandbox/shares")
async def list_all_shares(request: web.Request) -> web.Response:
    state = state_of(request)
    base = state.base_url(request)
    return web.json_response([state.shares.to_json(s, base) for s in state.shares.shares.values()])


@routes.post("/_sandbox/shares/{share_id}/check-password")
async def share_password(request: web.Request) -> web.Response:
    state = state_of(request)
    share = state.shares.shares.get(int(request.match_info["share_id"]))
    if share is None:
        raise _bad("no such share", 404)
    password = str((await _json(request)).get("password", ""))
    ok = share.password_hash is not None and check_password(password, share.password_hash)
    return web.json_response({"protected": share.password_hash is not None, "match": ok})


@routes.get("/_sandbox/policy")
async def get_policy(request: web.Request) -> web.Response:
    return web.json_response(state_of(request).policy.as_dict())


@routes.post("/_sandbox/policy")
async def set_policy(request: web.Request) -> web.Response:
    state = state_of(request)
    changes = await _json(request)
    try:
        state.policy.update(changes)
    except ValueError as exc:
        raise _bad(str(exc)) from exc
    if "onlyoffice_installed" in changes:
        state.editing_etag = state.editing_etag[::-1]
    return web.json_response(state.policy.as_dict())


@routes.post("/_sandbox/quota")
async def set_quota(request: web.Request) -> web.Response:
    """{"user": "ensemble-bot", "bytes": 1048576} — null bytes means unlimited."""
    body = await _json(request)
    quota = body.get("bytes")
    if quota is not None and (type(quota) is not int or quota < 0):
        raise _bad("bytes must be a non-negative integer or null")
    state_of(request).tree.quotas[str(body.get("user"))] = quota
    return web.json_response({"user": body.get("user"), "bytes": quota})


@routes.post("/_sandbox/users")
async def create_user(request: web.Request) -> web.Response:
    state = state_of(request)
    body = await _json(request)
    uid = str(body.get("uid", ""))
    if not uid:
        raise _bad("uid is required")
    account = state.directory.add_user(uid, body.get("display_name"), body.get("password"),
                                       email=str(body.get("email", "")),
                                       admin=bool(body.get("admin", False)),
                                       language=_language(body.get("language", "fr")))
    app_password = new_app_password()
    account.app_passwords.append(app_password)
    state.tree.ensure_home(uid)
    for gid in body.get("groups", []):
        state.directory.add_to_group(str(gid), uid)
    return web.json_response({"uid": uid, "password": account.password,
                              "app_password": app_password}, status=201)


def _language(value: object) -> str:
    if value not in LANGUAGES:
        raise _bad(f"language must be one of {', '.join(LANGUAGES)}")
    return str(value)


@routes.post("/_sandbox/language")
async def set_language(request: web.Request) -> web.Response:
    """{"user": "ensemble-bot", "language": "en"}: the account's language (its `core.lang`),
    in which the server then answers that account's OCS calls."""
    body = await _json(request)
    account = state_of(request).directory.accounts.get(str(body.get("user", "")))
    if account is None:
        raise _bad("no such user", 404)
    account.language = _language(body.get("language"))
    return web.json_response({"user": account.uid, "language": account.language})


@routes.post("/_sandbox/timezone")
async def set_timezone(request: web.Request) -> web.Response:
    """{"timezone": "Pacific/Noumea"} sets config.php `default_timezone`; with "user", that
    account's `core.timezone` instead (null clears it). Expiry dates are days in that zone."""
    body = await _json(request)
    zone = body.get("timezone")
    if zone is not None and (not isinstance(zone, str) or zone not in available_timezones()):
        raise _bad("timezone must be an IANA zone name")
    shares = state_of(request).shares
    if "user" not in body:
        if zone is None:
            raise _bad("the server's default timezone cannot be empty")
        shares.default_timezone = zone
        return web.json_response({"default_timezone": zone})
    account = state_of(request).directory.accounts.get(str(body["user"]))
    if account is None:
        raise _bad("no such user", 404)
    account.timezone = zone
    return web.json_response({"user": account.uid, "timezone": zone})


@routes.post("/_sandbox/groups")
async def create_group(request: web.Request) -> web.Response:
    body = await _json(request)
    gid = str(body.get("gid", ""))
    if not gid:
        raise _bad("gid is required")
    directory = state_of(request).directory
    members = directory.add_group(gid)
    members.update(str(m) for m in body.get("members", []))
    return web.json_response({"gid": gid, "members": sorted(members)}, status=201)


@routes.post("/_sandbox/faults")
async def set_faults(request: web.Request) -> web.Response:
    """{"error_ratio": 0.5, "error_status": 503, "fail_next": 2, "latency_ms": 200}."""
    faults = state_of(request).faults
    body = await _json(request)
    try:
        faults.error_ratio = float(body.get("error_ratio", faults.error_ratio))
        faults.error_status = int(body.get("error_status", faults.error_status))
        faults.fail_next = int(body.get("fail_next", faults.fail_next))
        faults.latency_ms = int(body.get("latency_ms", faults.latency_ms))
    except (TypeError, ValueError) as exc:
        raise _bad("fault values must be numbers") from exc
    return web.json_response(faults.as_dict())


@routes.get("/_sandbox/webhooks")
async def list_webhooks(request: web.Request) -> web.Response:
    registry = state_of(request).webhooks
    return web.json_response({
        "listeners": [w.to_json() for w in registry.listeners.values()],
        "queued": [{"uri": w.uri, "payload": p} for w, p in registry.queue],
    })


@routes.post("/_sandbox/webhooks/run")
async def run_webhooks(request: web.Request) -> web.Response:
    """What a cron run does: deliver every queued webhook call now."""
    return web.json_response(await state_of(request).webhooks.run())
