"""What a link the bot posts leads to: public share pages, their password page, downloads,
public WebDAV, and `/index.php/f/<fileid>` (nextcloud/server 30.0.1).

- `/index.php/s/<token>`: apps/files_sharing ShareController::showShare. A protected link
  not yet unlocked in this browser session is redirected (303) to
  `/s/<token>/authenticate/showShare` (PublicShareMiddleware → getAuthenticationRedirect); its
  download to `/s/<token>/authenticate/downloadShare`.
- The password page is core/templates/publicshareauth.php: a form posting `password` and the
  session's CSRF `requesttoken` back to the same URL. AuthPublicShareController::authenticate
  (no #[NoCSRFRequired]) answers a right password with a 303 to where the visitor was going
  and a regenerated session, a wrong one with the page again and "The password is wrong or
  expired…", a missing or stale request token with 412 "CSRF check failed".
- `/public.php/dav/files/<token>[/…]`: apps/dav/appinfo/v2/publicremote.php with
  Connector/Sabre/PublicAuth.php: Basic credentials whose password is the link's (any user
  name, `anonymous` by convention); without them a protected link answers 401, a wrong
  password 401, an unknown token 404. The DAV root is the shared node itself.
- `/index.php/f/<fileid>`: apps/files ViewController::showFile, for a logged-in account
  (Basic auth here); others are sent to the login page.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from html import escape
from urllib.parse import quote, urlencode

from aiohttp import web

from . import davxml
from .directory import Account, decode_basic
from .downloadlimit import count_download
from .l10n import localise, request_language
from .share_rules import GROUP, LINK, USER
from .shares import Share, check_password
from .state import NextcloudState, PublicSession, state_of
from .tree import INSTANCE_ID, Node, TreeError
from .webdav import XML_TYPE, dav_error, node_headers

routes = web.RouteTableDef()
# The session cookie is named after the instance id (`oc<instanceid>`), as Nextcloud names it.
SESSION_COOKIE = f"oc{INSTANCE_ID}"
REDIRECTS = {"showShare": "", "downloadShare": "/download"}
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Nextcloud", charset="UTF-8"'}


def _live_share(request: web.Request) -> Share:
    shares = state_of(request).shares
    share = shares.by_token(request.match_info["token"])
    if share is None or (share.expiration and share.expiration <= shares.today_for(share.owner)):
        raise web.HTTPNotFound(text="Share not found", content_type="text/html")
    return share


def _session(request: web.Request) -> PublicSession | None:
    return state_of(request).public_sessions.get(request.cookies.get(SESSION_COOKIE, ""))


def _open_session(state: NextcloudState) -> tuple[str, PublicSession]:
    session = PublicSession(requesttoken=secrets.token_urlsafe(32))
    session_id = secrets.token_urlsafe(24)
    state.public_sessions[session_id] = session
    return session_id, session


def _with_cookie(response: web.Response, session_id: str | None) -> web.Response:
    if session_id is not None:
        response.set_cookie(SESSION_COOKIE, session_id, path="/", httponly=True,
                            samesite="Lax")
    return response


def _see_other(location: str) -> web.Response:
    """Returned, not raised: a raised HTTPException loses the cookies set on it, and aiohttp
    would decode the %2F of a query that Nextcloud's URL generator encodes."""
    return web.Response(status=303, headers={"Location": location})


def _unlocked(request: web.Request, share: Share) -> bool:
    session = _session(request)
    return share.password_hash is None or (session is not None and share.id in session.unlocked)


def _page(request: web.Request, title: str, body: str, status: int = 200) -> web.Response:
    language = request_language(request.headers.get("Accept-Language"))
    html = (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{escape(title)} - Nextcloud</title></head><body>{body}</body></html>")
    return web.Response(status=status, text=html, content_type="text/html")


def _t(request: web.Request, message: str) -> str:
    return escape(localise(message, request_language(request.headers.get("Accept-Language"))))


def _auth_url(token: str, redirect: str) -> str:
    return f"/index.php/s/{token}/authenticate/{redirect}"


@routes.get("/index.php/s/{token}")
async def share_page(request: web.Request) -> web.Response:
    share = _live_share(request)
    if not _unlocked(request, share):
        raise web.HTTPSeeOther(_auth_url(str(share.token), "showShare"))
    name = escape(share.node.name)
    download = f"/index.php/s/{share.token}/download"
    return _page(request, share.node.name,
                 f'<h1>{name}</h1><a href="{download}" id="downloadFile">'
                 f"{_t(request, 'Download')}</a>")


def _password_form(request: web.Request, share: Share, session: PublicSession,
                   *, wrong: bool) -> str:
    notice = (f'<div class="warning wrongPasswordMsg">{_t(request, WRONG_PASSWORD)}</div>'
              if wrong else
              f'<div class="warning-info">{_t(request, "This share is password-protected")}'
              "</div>")
    return (f'<form method="post" id="password-input-form"><fieldset class="warning">{notice}'
            f'<p><label for="password" class="infield">{_t(request, "Password")}</label>'
            f'<input type="hidden" id="requesttoken" name="requesttoken" '
            f'value="{session.requesttoken}" />'
            '<input type="password" name="password" id="password" value="" />'
            f'<input type="hidden" name="sharingToken" value="{share.token}" id="sharingToken">'
            f'<input type="hidden" name="sharingType" value="{share.share_type}" '
            'id="sharingType"><input type="submit" id="password-submit" value="" /></p>'
            "</fieldset></form>")


WRONG_PASSWORD = "The password is wrong or expired. Please try again or request a new one."


def _redirect_target(request: web.Request, share: Share) -> str:
    redirect = request.match_info["redirect"]
    return f"/index.php/s/{share.token}{REDIRECTS.get(redirect, '')}"


@routes.get("/index.php/s/{token}/authenticate/{redirect}")
async def password_page(request: web.Request) -> web.StreamResponse:
    share = _live_share(request)
    if _unlocked(request, share):
        raise web.HTTPSeeOther(_redirect_target(request, share))
    session_id, session = None, _session(request)
    if session is None:
        session_id, session = _open_session(state_of(request))
    form = _password_form(request, share, session, wrong=False)
    return _with_cookie(_page(request, share.node.name, form), session_id)


@routes.post("/index.php/s/{token}/authenticate/{redirect}")
async def authenticate(request: web.Request) -> web.StreamResponse:
    share = _live_share(request)
    session = _session(request)
    form = await request.post()
    if session is None or form.get("requesttoken") != session.requesttoken:
        # SecurityMiddleware: CrossSiteRequestForgeryException (412), shown as a page.
        return _page(request, "Nextcloud", "<p>CSRF check failed</p>", status=412)
    if share.id in session.unlocked or share.password_hash is None:
        raise web.HTTPSeeOther(_redirect_target(request, share))
    password = form.get("password")
    if not isinstance(password, str) or not check_password(password, share.password_hash):
        return _page(request, share.node.name,
                     _password_form(request, share, session, wrong=True))
    # $session->regenerateId(true, true): the unlocked session gets a new id (and cookie).
    state = state_of(request)
    state.public_sessions = {k: v for k, v in state.public_sessions.items() if v is not session}
    session_id, fresh = _open_session(state)
    fresh.unlocked = {*session.unlocked, share.id}
    return _with_cookie(_see_other(_redirect_target(request, share)), session_id)


def _zip(folder: Node) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for node in folder.walk():
            relative = node.path[len(folder.path):].lstrip("/")
            if not node.is_dir:
                archive.writestr(f"{folder.name}/{relative}", node.data)
    return buffer.getvalue()


@routes.get("/index.php/s/{token}/download")
@routes.get("/index.php/s/{token}/download/{filename}")
async def share_download(request: web.Request) -> web.Response:
    share = _live_share(request)
    if not _unlocked(request, share):
        raise web.HTTPSeeOther(_auth_url(str(share.token), "downloadShare"))
    count_download(state_of(request), share)
    node = share.node
    name, body, mime = ((f"{node.name}.zip", _zip(node), "application/zip") if node.is_dir
                        else (node.name, node.data, node.mime))
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return web.Response(body=body, content_type=mime,
                        headers={"Content-Disposition": disposition})


# ---- public WebDAV ---------------------------------------------------------------------------

def _dav_auth(request: web.Request, share: Share) -> web.Response | None:
    """PublicAuth::check: any user name; the password must be the link's when it has one."""
    auth = request.headers.get("Authorization")
    if auth is not None:
        password = _basic_password(auth)
        if share.password_hash is not None and (
            password is None or not check_password(password, share.password_hash)
        ):
            return _unauthenticated(request, "Username or password was incorrect")
        return None
    if share.password_hash is not None:
        return _unauthenticated(request, "No public access to this resource.")
    return None


def _basic_password(header: str) -> str | None:
    decoded = decode_basic(header)
    return None if decoded is None else decoded[1]


def _unauthenticated(request: web.Request, message: str) -> web.Response:
    response = dav_error(request, 401, message)
    response.headers.update(CHALLENGE)
    return response


def _public_href(token: str, share_root: Node, node: Node) -> str:
    relative = node.path[len(share_root.path):].lstrip("/")
    path = f"/public.php/dav/files/{token}" + (f"/{relative}" if relative else "")
    return davxml.encode_path(path + "/" if node.is_dir else path)


def _resolve(share: Share, path: str) -> Node:
    node = share.node
    for part in (p for p in path.split("/") if p):
        child = node.children.get(part) if node.is_dir else None
        if child is None:
            raise TreeError(404, "File not found")
        node = child
    return node


@routes.route("*", "/public.php/dav/files/{token}{path:(/.*)?}")
async def public_dav(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    share = state.shares.by_token(request.match_info["token"])
    if share is None or share.share_type != LINK:
        return dav_error(request, 404, "Share not found")
    refused = _dav_auth(request, share)
    if refused is not None:
        return refused
    try:
        node = _resolve(share, request.match_info["path"] or "")
        if request.method in ("GET", "HEAD"):
            return _dav_get(request, node)
        if request.method == "PROPFIND":
            return await _dav_propfind(request, state, share, node)
    except TreeError as exc:
        return dav_error(request, exc.status, exc.message)
    return dav_error(request, 405, f"{request.method} is not simulated on public WebDAV")


def _dav_get(request: web.Request, node: Node) -> web.Response:
    if node.is_dir:
        raise TreeError(405, "GET is not allowed on collections")
    headers = node_headers(node)
    headers["Content-Type"] = node.mime
    return web.Response(body=b"" if request.method == "HEAD" else node.data, headers=headers)


async def _dav_propfind(request: web.Request, state: NextcloudState, share: Share,
                        node: Node) -> web.Response:
    nodes = [node]
    if node.is_dir and request.headers.get("Depth", "1") != "0":
        nodes += [node.children[k] for k in sorted(node.children)]
    props = davxml.requested_props(await request.read())
    renderers = davxml.prop_renderers(state.shares.share_types_on)
    token = str(share.token)
    body = davxml.multistatus(
        davxml.response_xml(_public_href(token, share.node, n), n, props, renderers)
        for n in nodes
    )
    return web.Response(status=207, body=body.encode(), headers={"Content-Type": XML_TYPE})


# ---- internal links ----------------------------------------------------------------------

def _reachable(state: NextcloudState, account: Account, node: Node) -> str | None:
    """The folder the Files app opens for this account: the owner's parent folder, or the
    root where a received share is mounted (`file_target` "/<name>")."""
    if node.owner == account.uid:
        return "/" + (node.parent.path if node.parent is not None else "")
    groups = set(state.directory.groups_of(account.uid))
    for share in state.shares.shares.values():
        mine = (share.share_type == USER and share.share_with == account.uid) or (
            share.share_type == GROUP and share.share_with in groups)
        if mine and share.node is node:
            return "/"
    return None


@routes.get("/index.php/f/{fileid}")
async def internal_link(request: web.Request) -> web.Response:
    state = state_of(request)
    fileid = request.match_info["fileid"]
    account = state.directory.authenticate(request.headers.get("Authorization"))
    if account is None:
        # SecurityMiddleware: NotLoggedInException → the login page, back here afterwards.
        return _see_other(f"/index.php/login?{urlencode({'redirect_url': request.path})}")
    node = state.tree.by_id.get(int(fileid)) if fileid.isdigit() else None
    folder = None if node is None else _reachable(state, account, node)
    if node is None or folder is None:
        return _see_other("/index.php/apps/files/?fileNotFound=1")
    params = {"dir": "/" + node.path if node.is_dir else folder.rstrip("/") or "/"}
    if not node.is_dir:
        params["openfile"] = "true"
    return _see_other(f"/index.php/apps/files/files/{fileid}?{urlencode(params)}")
