"""files_downloadlimit: a download count limit on single-file link shares.

Follows nextcloud/files_downloadlimit lib/Controller/ApiController.php (messages, limit 0 =
remove) and lib/Listener/ShareLinkAccessedListener.php (the share is deleted once the count
reaches the limit).
"""

from __future__ import annotations

from aiohttp import web

from .envelope import OcsError, ocs_ok, read_params
from .middleware import account_of
from .share_rules import EMAIL, LINK
from .shares import Share
from .state import NextcloudState, state_of

routes = web.RouteTableDef()
BASE = "/ocs/v{v:[12]}.php/apps/files_downloadlimit/api/v1/{token}/limit"


def _owned_file_link(request: web.Request) -> Share:
    share = state_of(request).shares.by_token(request.match_info["token"])
    if share is None or share.owner != account_of(request).uid:
        raise OcsError(404, "Unknown share")
    if share.share_type not in (LINK, EMAIL):
        raise OcsError(404, "Invalid share type")
    if share.node.is_dir:
        raise OcsError(404, "Invalid file type")
    return share


@routes.put(BASE)
async def set_limit(request: web.Request) -> web.Response:
    share = _owned_file_link(request)
    try:
        limit = int((await read_params(request)).get("limit", ""))
    except ValueError as exc:
        raise OcsError(400, "Limit must be an integer") from exc
    if limit < 0:
        raise OcsError(400, "Limit must be greater than or equal to 0")
    share.download_limit = limit or None
    if not limit:
        share.download_count = 0
    return ocs_ok(request, [])


@routes.get(BASE)
async def get_limit(request: web.Request) -> web.Response:
    share = _owned_file_link(request)
    if share.download_limit is None:
        return ocs_ok(request, {"limit": None, "count": None})
    return ocs_ok(request, {"limit": share.download_limit, "count": share.download_count})


@routes.delete(BASE)
async def remove_limit(request: web.Request) -> web.Response:
    share = _owned_file_link(request)
    share.download_limit = None
    share.download_count = 0
    return ocs_ok(request, [])


def count_download(state: NextcloudState, share: Share) -> None:
    """One public download; reaching the limit deletes the share."""
    if share.download_limit is None:
        return
    share.download_count += 1
    if share.download_count >= share.download_limit:
        state.shares.shares.pop(share.id, None)
