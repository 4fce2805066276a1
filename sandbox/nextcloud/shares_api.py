"""OCS Share API routes (/ocs/v{1,2}.php/apps/files_sharing/api/v1/shares)."""

from __future__ import annotations

from aiohttp import web

from .envelope import OcsError, ocs_ok, read_params
from .middleware import account_of
from .state import state_of

routes = web.RouteTableDef()
BASE = "/ocs/v{v:[12]}.php/apps/files_sharing/api/v1"


@routes.get(f"{BASE}/shares")
async def list_shares(request: web.Request) -> web.Response:
    state = state_of(request)
    account = account_of(request)
    found = state.shares.list_for(account, dict(request.query))
    base = state.base_url(request)
    return ocs_ok(request, [state.shares.to_json(s, base, viewer=account.uid) for s in found])


@routes.get(f"{BASE}/shares/inherited")
async def inherited(request: web.Request) -> web.Response:
    """Shares on the parent folders of `path` (owner's own only here)."""
    state = state_of(request)
    account = account_of(request)
    node = state.tree.get(account.uid, request.query.get("path", ""))
    if node is None:
        raise OcsError(404, "Wrong path, file/folder does not exist")
    parents = []
    cursor = node.parent
    while cursor is not None and cursor.parent is not None:
        parents.append(cursor)
        cursor = cursor.parent
    found = [s for s in state.shares.owned_by(account.uid) if s.node in parents]
    return ocs_ok(request, [state.shares.to_json(s, state.base_url(request)) for s in found])


@routes.get(f"{BASE}/shares/pending")
async def pending(request: web.Request) -> web.Response:
    return ocs_ok(request, [])


@routes.get(f"{BASE}/deletedshares")
async def deleted(request: web.Request) -> web.Response:
    return ocs_ok(request, [])


@routes.get(f"{BASE}/shares/{{share_id}}")
async def get_share(request: web.Request) -> web.Response:
    state = state_of(request)
    share = state.shares.get(request.match_info["share_id"])
    account = account_of(request)
    if share.owner != account.uid and share not in state.shares.shared_with(account.uid):
        raise OcsError(404, "Wrong share ID, share does not exist")
    # A one-element list, as the real server answers [run].
    return ocs_ok(request, [state.shares.to_json(share, state.base_url(request),
                                                 viewer=account.uid)])


@routes.post(f"{BASE}/shares")
async def create_share(request: web.Request) -> web.Response:
    state = state_of(request)
    share = state.shares.create(account_of(request), await read_params(request))
    return ocs_ok(request, state.shares.to_json(share, state.base_url(request), fresh=True))


@routes.put(f"{BASE}/shares/{{share_id}}")
async def update_share(request: web.Request) -> web.Response:
    state = state_of(request)
    share = state.shares.update(account_of(request), request.match_info["share_id"],
                                await read_params(request))
    return ocs_ok(request, state.shares.to_json(share, state.base_url(request), fresh=True))


@routes.delete(f"{BASE}/shares/{{share_id}}")
async def delete_share(request: web.Request) -> web.Response:
    state_of(request).shares.delete(account_of(request), request.match_info["share_id"])
    return ocs_ok(request, [])
