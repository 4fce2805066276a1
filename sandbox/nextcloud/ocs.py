"""OCS core endpoints: capabilities, current user, users/groups, sharees, password policy."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import policy as policy_mod
from .directory import Account
from .envelope import OcsError, ocs_ok, read_params
from .l10n import Joined
from .middleware import ACCOUNT_KEY, account_of
from .state import NextcloudState, state_of

routes = web.RouteTableDef()
LOCALES = {"fr": "fr_FR", "en": "en_US"}
V12 = "/ocs/v{v:[12]}.php"


@routes.get(f"{V12}/cloud/capabilities")
async def capabilities(request: web.Request) -> web.Response:
    state = state_of(request)
    return ocs_ok(request, policy_mod.capabilities(state.policy, state.base_url(request),
                                                   state.editing_etag))


def _quota(state: NextcloudState, uid: str) -> dict[str, Any]:
    used = state.tree.used(uid)
    quota = state.tree.quotas.get(uid)
    if quota is None:
        # Nextcloud reports "none" quota as -3 with free space of the storage.
        return {"free": 10**12, "used": used, "total": 10**12 + used, "relative": 0.0,
                "quota": -3}
    relative = round(used * 100 / quota, 2) if quota else 100.0
    return {"free": max(quota - used, 0), "used": used, "total": quota, "relative": relative,
            "quota": quota}


def user_data(state: NextcloudState, account: Account, *, full: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": account.uid,
        "enabled": True,
        "display-name": account.display_name,
        "displayname": account.display_name,
        "email": account.email or None,
    }
    if full:
        data.update({
            "storageLocation": f"/var/www/html/data/{account.uid}",
            "lastLogin": 0,
            "backend": "Database",
            "subadmin": [],
            "quota": _quota(state, account.uid),
            "groups": state.directory.groups_of(account.uid),
            "language": account.language,
            "locale": LOCALES.get(account.language, account.language),
            "additional_mail": [],
            "phone": "",
            "address": "",
            "website": "",
            "twitter": "",
        })
    return data


@routes.get(f"{V12}/cloud/user")
async def current_user(request: web.Request) -> web.Response:
    return ocs_ok(request, user_data(state_of(request), account_of(request), full=True))


@routes.get(f"{V12}/cloud/users")
async def list_users(request: web.Request) -> web.Response:
    """Admins see everyone; a plain account gets an empty list (UsersController::getUsers)."""
    state = state_of(request)
    search = request.query.get("search", "").lower()
    if not account_of(request).admin:
        return ocs_ok(request, {"users": []})
    found = [uid for uid, acc in sorted(state.directory.accounts.items())
             if search in uid.lower() or search in acc.display_name.lower()]
    return ocs_ok(request, {"users": found})


@routes.get(f"{V12}/cloud/users/{{uid}}")
async def get_user(request: web.Request) -> web.Response:
    state = state_of(request)
    account = state.directory.accounts.get(request.match_info["uid"])
    if account is None:
        raise OcsError(404, "User does not exist")
    me = account_of(request)
    return ocs_ok(request, user_data(state, account, full=me.admin or me.uid == account.uid))


@routes.get(f"{V12}/cloud/groups")
async def list_groups(request: web.Request) -> web.Response:
    if not account_of(request).admin:
        raise OcsError(403, "Logged in account must be a sub admin")
    search = request.query.get("search", "").lower()
    groups = sorted(g for g in state_of(request).directory.groups if search in g.lower())
    return ocs_ok(request, {"groups": groups})


@routes.get(f"{V12}/cloud/groups/{{gid}}")
async def group_members(request: web.Request) -> web.Response:
    if not account_of(request).admin:
        raise OcsError(403, "Logged in account must be a sub admin")
    members = state_of(request).directory.groups.get(request.match_info["gid"])
    if members is None:
        raise OcsError(404, "The requested group could not be found")
    return ocs_ok(request, {"users": sorted(members)})


def _sharee(label: str, share_type: int, share_with: str) -> dict[str, Any]:
    return {"label": label, "value": {"shareType": share_type, "shareWith": share_with}}


@routes.get(f"{V12}/apps/files_sharing/api/v1/sharees")
async def sharees(request: web.Request) -> web.Response:
    """The Files app's recipient search: users and groups matching `search`, exact first."""
    state = state_of(request)
    me = request[ACCOUNT_KEY].uid
    search = request.query.get("search", "").lower()
    users: dict[str, dict[str, Any]] = {
        uid: {**_sharee(acc.display_name, 0, uid), "subline": "", "icon": "icon-user",
              "shareWithDisplayNameUnique": acc.email or uid, "status": []}
        for uid, acc in sorted(state.directory.accounts.items())
        if uid != me and (search in uid.lower() or search in acc.display_name.lower())
    }
    groups = {gid: _sharee(gid, 1, gid) for gid in sorted(state.directory.groups)
              if search in gid.lower()}
    empty: dict[str, list[Any]] = {"remotes": [], "remote_groups": [], "emails": [],
                                   "circles": [], "rooms": [], "deck": []}
    return ocs_ok(request, {
        "exact": {"users": [v for k, v in users.items() if k == search],
                  "groups": [v for k, v in groups.items() if k == search], **empty},
        "users": [v for k, v in users.items() if k != search],
        "groups": [v for k, v in groups.items() if k != search],
        **empty, "lookup": [], "lookupEnabled": False,
    })


@routes.get(f"{V12}/apps/password_policy/api/v1/generate")
async def generate_password(request: web.Request) -> web.Response:
    return ocs_ok(request, {"password": state_of(request).policy.generate_password()})


@routes.post(f"{V12}/apps/password_policy/api/v1/validate")
async def validate_password(request: web.Request) -> web.Response:
    params = await read_params(request)
    errors = state_of(request).policy.password_errors(params.get("password", ""))
    if errors:
        reason = Joined(tuple(errors)).render(account_of(request).language)
        return ocs_ok(request, {"passed": False, "reason": reason})
    return ocs_ok(request, {"passed": True})
