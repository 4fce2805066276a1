"""WebDAV on /remote.php/dav/files/<user>/… and SEARCH on /remote.php/dav (nc-py-api 0.30
files_async.py and files/_files.py, against Nextcloud 30 apps/dav)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import unquote, urlparse

from aiohttp import web

from . import davxml
from .events import node_ref
from .middleware import account_of
from .search import SearchError, parse_search
from .state import NextcloudState, state_of
from .tree import Node, TreeError, split_path

DAV_ROOT = "/remote.php/dav"
FORBIDDEN_NAMES = (".htaccess",)
FORBIDDEN_EXTENSIONS = (".part", ".filepart")
FORBIDDEN_CHARACTERS = ("\\",)
SABRE_EXCEPTIONS = {400: "BadRequest", 401: "NotAuthenticated", 403: "Forbidden",
                    404: "NotFound", 405: "MethodNotAllowed", 409: "Conflict",
                    412: "PreconditionFailed", 415: "UnsupportedMediaType",
                    507: "InsufficientStorage"}
XML_TYPE = "application/xml; charset=utf-8"

routes = web.RouteTableDef()


def dav_error(request: web.Request, status: int, message: str) -> web.Response:
    """Sabre error body. Nextcloud 30 without debug hides the message [run]."""
    state = state_of(request)
    text = message if state.dav_debug else "Internal Server Error"
    body = davxml.error_xml(SABRE_EXCEPTIONS.get(status, "Exception"), text)
    return web.Response(status=status, body=body.encode(),
                        headers={"Content-Type": XML_TYPE})


def check_name(name: str) -> None:
    """Forbidden names as advertised in the `files` capability; PUT/MKCOL/MOVE answer 400."""
    lowered = name.lower()
    if lowered in FORBIDDEN_NAMES or lowered.endswith(FORBIDDEN_EXTENSIONS):
        raise TreeError(400, f'"{name}" is a forbidden file or folder name.')
    if any(c in name for c in FORBIDDEN_CHARACTERS):
        raise TreeError(400, f'"{name}" contains a forbidden character.')


def node_headers(node: Node) -> dict[str, str]:
    etag = f'"{node.etag}"'
    return {"OC-FileId": node.oc_id, "OC-ETag": etag, "ETag": etag}


def emit_written(state: NextcloudState, user: str, node: Node, created: bool) -> None:
    """A new file fires NodeCreatedEvent then NodeWrittenEvent; an overwrite only the latter."""
    if created:
        state.emit("NodeCreatedEvent", user, node=node)
    state.emit("NodeWrittenEvent", user, node=node)


def href_of(node: Node) -> str:
    path = f"{DAV_ROOT}/files/{node.owner}/{node.path}"
    if node.is_dir and not path.endswith("/"):
        path += "/"
    return davxml.encode_path(path)


def render_nodes(state: NextcloudState, nodes: list[Node], props: list[str]) -> str:
    renderers = davxml.prop_renderers(state.shares.share_types_on)
    return davxml.multistatus(davxml.response_xml(href_of(n), n, props, renderers) for n in nodes)


def destination_path(request: web.Request, user: str) -> str:
    """Absolute `Destination` URL → path inside the user's home."""
    raw = request.headers.get("Destination", "")
    prefix = f"{DAV_ROOT}/files/{user}/"
    path = unquote(urlparse(raw).path)
    if not path.startswith(prefix) and path != prefix.rstrip("/"):
        raise TreeError(409, "The destination node is not found")
    return path[len(prefix):]


FileHandler = Callable[[web.Request, NextcloudState, str, str], Awaitable[web.StreamResponse]]


async def propfind(request: web.Request, state: NextcloudState, user: str,
                   path: str) -> web.StreamResponse:
    node = state.tree.require(user, path)
    depth = request.headers.get("Depth", "infinity").lower()
    if depth == "0":
        nodes = [node]
    elif depth == "1":
        nodes = [node, *(node.children[k] for k in sorted(node.children))]
    else:
        nodes = list(node.walk())
    props = davxml.requested_props(await request.read())
    return web.Response(status=207, body=render_nodes(state, nodes, props).encode(),
                        headers={"Content-Type": XML_TYPE})


async def get(request: web.Request, state: NextcloudState, user: str,
              path: str) -> web.StreamResponse:
    node = state.tree.require(user, path)
    if node.is_dir:
        raise TreeError(405, "GET is not allowed on collections")
    headers = node_headers(node)
    headers["Last-Modified"] = node.mtime.strftime("%a, %d %b %Y %H:%M:%S GMT")
    headers["Content-Type"] = node.mime
    body = b"" if request.method == "HEAD" else node.data
    return web.Response(status=200, body=body, headers=headers)


async def put(request: web.Request, state: NextcloudState, user: str,
              path: str) -> web.StreamResponse:
    parts = split_path(path)
    if not parts:
        raise TreeError(405, "Cannot PUT on the home folder")
    check_name(parts[-1])
    data = await request.read()
    node, created = state.tree.write(user, path, data)
    emit_written(state, user, node, created)
    return web.Response(status=201 if created else 204, headers=node_headers(node))


async def mkcol(request: web.Request, state: NextcloudState, user: str,
                path: str) -> web.StreamResponse:
    if await request.read():
        raise TreeError(415, "The request body for the MKCOL request must be empty")
    parts = split_path(path)
    if parts:
        check_name(parts[-1])
    node = state.tree.mkdir(user, path)
    state.emit("NodeCreatedEvent", user, node=node)
    return web.Response(status=201, headers=node_headers(node))


async def delete(request: web.Request, state: NextcloudState, user: str,
                 path: str) -> web.StreamResponse:
    node = state.tree.require(user, path)
    state.emit("NodeDeletedEvent", user, node=node)
    state.shares.drop_nodes(state.tree.delete(node))
    return web.Response(status=204)


async def move_or_copy(request: web.Request, state: NextcloudState, user: str,
                       path: str) -> web.StreamResponse:
    node = state.tree.require(user, path)
    dest = destination_path(request, user)
    dest_parts = split_path(dest)
    if not dest_parts:
        raise TreeError(403, "Cannot overwrite the home folder")
    check_name(dest_parts[-1])
    existing = state.tree.get(user, dest)
    if existing is node:
        raise TreeError(403, "Source and destination are the same")
    if existing is not None:
        if request.headers.get("Overwrite", "T").upper() == "F":
            raise TreeError(412, "The destination node already exists, and the overwrite "
                                 "header is set to false")
        state.shares.drop_nodes(state.tree.delete(existing))
    source = node_ref(node)
    if request.method == "MOVE":
        result = state.tree.move(node, user, dest)  # shares follow the node object
        state.emit("NodeRenamedEvent", user, source=source, target=result)
    else:
        result = state.tree.copy(node, user, dest)
        state.emit("NodeCopiedEvent", user, source=source, target=result)
    return web.Response(status=204 if existing else 201, headers=node_headers(result))


FILE_METHODS: dict[str, FileHandler] = {
    "PROPFIND": propfind, "GET": get, "HEAD": get, "PUT": put, "MKCOL": mkcol,
    "DELETE": delete, "MOVE": move_or_copy, "COPY": move_or_copy,
}


@routes.route("*", DAV_ROOT + "/files/{user}{path:(/.*)?}")
async def files_endpoint(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    user = request.match_info["user"]
    path = request.match_info["path"]
    handler = FILE_METHODS.get(request.method)
    try:
        if user != account_of(request).uid:
            raise TreeError(404, f"File with name {path} could not be located")
        if handler is None:
            raise TreeError(405, f"{request.method} is not implemented here")
        return await handler(request, state, user, path)
    except TreeError as exc:
        return dav_error(request, exc.status, exc.message)


@routes.route("SEARCH", DAV_ROOT)
@routes.route("SEARCH", DAV_ROOT + "/")
async def search_endpoint(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    try:
        query = parse_search(await request.read())
        if query.user != account_of(request).uid:
            raise TreeError(404, "Search scope not found")
        scope = state.tree.require(query.user, query.path)
        found = [n for n in scope.walk() if n is not scope and query.where(n)]
    except SearchError as exc:
        return dav_error(request, 400, str(exc))
    except TreeError as exc:
        return dav_error(request, exc.status, exc.message)
    body = render_nodes(state, found, query.props or list(davxml.DEFAULT_PROPS))
    return web.Response(status=207, body=body.encode(),
                        headers={"Content-Type": 'application/xml; charset="utf-8"'})
