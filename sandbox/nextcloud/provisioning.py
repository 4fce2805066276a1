"""Provisioning API and app passwords, the administration calls `ensemble-bot provision` makes.

Sources (nextcloud/server 30.0.1):
- apps/provisioning_api/lib/Controller/UsersController.php: `addUser` (admin or subadmin;
  102 "User already exists"), `editUser` (`key`/`value`; an admin may set another account's
  `password`, `displayname`, `email`), `getUsersGroups`, `addToGroup` (102 when the group does
  not exist, 103 when the user does not);
- apps/provisioning_api/lib/Controller/GroupsController.php: `addGroup` (102 "group exists");
- core/Controller/AppPasswordController.php `getAppPassword`: only for a login made with the
  account's own password (403 when the request already carries an app password), answers
  `{apppassword}`.
The failure messages stay in English here: the provisioning command reads status codes only.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from .directory import decode_basic, new_app_password
from .envelope import OcsError, ocs_ok, read_params
from .middleware import account_of
from .state import state_of

routes = web.RouteTableDef()
V12 = "/ocs/v{v:[12]}.php"


def _admin(request: web.Request) -> None:
    if not account_of(request).admin:
        raise OcsError(403, "Logged in account must be an admin")


@routes.post(f"{V12}/cloud/users")
async def add_user(request: web.Request) -> web.Response:
    _admin(request)
    params = await read_params(request)
    directory = state_of(request).directory
    uid = params.get("userid", "")
    if not uid:
        raise OcsError(101, "Invalid user id")
    if uid in directory.accounts:
        raise OcsError(102, "User already exists")
    if not params.get("password") and not params.get("email"):
        raise OcsError(108, "To send a password link to the user an email address is required.")
    directory.add_user(uid, params.get("displayName") or uid, params.get("password"),
                       email=params.get("email", ""))
    return ocs_ok(request, {"id": uid})


@routes.put(f"{V12}/cloud/users/{{uid}}")
async def edit_user(request: web.Request) -> web.Response:
    me = account_of(request)
    account = state_of(request).directory.accounts.get(request.match_info["uid"])
    if account is None or not (me.admin or me.uid == account.uid):
        raise OcsError(998, "")  # OCSNotFoundException for an account one may not edit
    params = await read_params(request)
    key, value = params.get("key", ""), params.get("value", "")
    if key == "password":
        account.password = value
    elif key in ("displayname", "display"):
        account.display_name = value
    elif key == "email":
        account.email = value
    else:
        raise OcsError(103, "")  # editUser: unknown key
    return ocs_ok(request, [])


@routes.get(f"{V12}/cloud/users/{{uid}}/groups")
async def users_groups(request: web.Request) -> web.Response:
    me, uid = account_of(request), request.match_info["uid"]
    directory = state_of(request).directory
    if uid not in directory.accounts:
        raise OcsError(998, "")
    if not (me.admin or me.uid == uid):
        raise OcsError(997, "")
    return ocs_ok(request, {"groups": directory.groups_of(uid)})


@routes.post(f"{V12}/cloud/users/{{uid}}/groups")
async def add_to_group(request: web.Request) -> web.Response:
    _admin(request)
    params = await read_params(request)
    directory = state_of(request).directory
    gid, uid = params.get("groupid", ""), request.match_info["uid"]
    if gid not in directory.groups:
        raise OcsError(102, "")
    if uid not in directory.accounts:
        raise OcsError(103, "")
    directory.add_to_group(gid, uid)
    return ocs_ok(request, [])


@routes.post(f"{V12}/cloud/groups")
async def add_group(request: web.Request) -> web.Response:
    _admin(request)
    params = await read_params(request)
    gid = params.get("groupid", "")
    directory = state_of(request).directory
    if not gid:
        raise OcsError(101, "Invalid group name")
    if gid in directory.groups:
        raise OcsError(102, "group exists")
    directory.add_group(gid)
    return ocs_ok(request, [])


@routes.get("/ocs/v2.php/core/getapppassword")
async def get_app_password(request: web.Request) -> web.Response:
    account = account_of(request)
    decoded = decode_basic(request.headers.get("Authorization"))
    secret = decoded[1] if decoded else ""
    if not hmac.compare_digest(secret.encode(), account.password.encode()):
        raise OcsError(403, "")  # OCSForbiddenException: already an app password
    password = new_app_password()
    account.app_passwords.append(password)
    return ocs_ok(request, {"apppassword": password})
