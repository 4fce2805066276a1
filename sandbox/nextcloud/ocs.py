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


def _user_sharee(account: Account) -> dict[str, Any]:
    return {**_sharee(account.display_name, 0, account.uid), "subline": "",
            "icon": "icon-user", "shareWithDisplayNameUnique": account.email or account.uid,
            "status": []}


def _user_matches(state: NextcloudState, me: str, search: str, limit: int) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]]]:
    """UserPlugin::search (nextcloud/server 30.0.1 lib/private/Collaboration/Collaborators/
    UserPlugin.php) with the default settings (enumeration on, full match on uid, display name
    and e-mail): candidates come from the user backend's getDisplayNames (uid, display name or
    e-mail containing the text, ordered by display name), minus the searching account
    (takeOutCurrentUser); a full match is exact, the rest wide. Then, when no uid matched, an
    account whose uid *is* the text is added to exact by a direct lookup, and that lookup does
    not take the searching account out: searching one's own uid finds oneself."""
    lowered = search.lower()
    accounts = sorted(state.directory.accounts.values(),
                      key=lambda a: (a.display_name.lower(), a.uid.lower()))
    found = [a for a in accounts
             if lowered in a.uid.lower() or lowered in a.display_name.lower()
             or lowered in a.email.lower()][:limit]
    exact: list[dict[str, Any]] = []
    wide: list[dict[str, Any]] = []
    by_id = False
    for account in (a for a in found if a.uid != me):
        full = lowered and lowered in (account.uid.lower(), account.display_name.lower(),
                                       account.email.lower())
        (exact if full else wide).append(_user_sharee(account))
        by_id = by_id or account.uid.lower() == lowered
    direct = next((a for a in accounts if a.uid.lower() == lowered), None)
    if not by_id and direct is not None:
        exact.append(_user_sharee(direct))
    return exact, wide


def _group_matches(state: NextcloudState, search: str) -> tuple[
        list[dict[str, Any]], list[dict[str, Any]]]:
    """GroupPlugin::search (30.0.1): gid or display name containing the text; a full match is
    exact. Here a group's display name is its gid."""
    if not state.policy.group_sharing:
        return [], []
    lowered = search.lower()
    groups = sorted(g for g in state.directory.groups if lowered in g.lower())
    return ([_sharee(g, 1, g) for g in groups if g.lower() == lowered],
            [_sharee(g, 1, g) for g in groups if g.lower() != lowered])


@routes.get(f"{V12}/apps/files_sharing/api/v1/sharees")
async def sharees(request: web.Request) -> web.Response:
    """The Files app's recipient search (ShareesAPIController::search, 30.0.1)."""
    state = state_of(request)
    if not request.query.get("itemType"):
        raise OcsError(400, "Missing itemType")  # OCSBadRequestException, not translated
    try:
        per_page = int(request.query.get("perPage", "200"))
    except ValueError:
        per_page = 200
    if per_page <= 0:
        raise OcsError(400, "Invalid perPage argument")
    search = request.query.get("search", "")
    exact_users, users = _user_matches(state, request[ACCOUNT_KEY].uid, search, per_page)
    exact_groups, groups = _group_matches(state, search)
    empty: dict[str, list[Any]] = {"remotes": [], "remote_groups": [], "emails": [],
                                   "circles": [], "rooms": [], "deck": []}
    return ocs_ok(request, {
        "exact": {"users": exact_users, "groups": exact_groups, **empty},
        "users": users, "groups": groups, **empty, "lookup": [], "lookupEnabled": False,
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
