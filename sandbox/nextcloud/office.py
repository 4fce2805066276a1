"""Templates and direct editing (files app), with or without the ONLYOFFICE connector (§4).

Creator ids, labels and extensions follow ONLYOFFICE/onlyoffice-nextcloud
lib/Listeners/RegisterTemplateFileCreatorListener.php and lib/FileCreator.php.
"""

from __future__ import annotations

import secrets
from typing import Any

from aiohttp import web

from . import ooxml
from .envelope import OcsError, ocs_failure, ocs_ok, read_params
from .middleware import account_of
from .share_rules import node_permissions
from .state import NextcloudState, state_of
from .tree import Node, TreeError, guess_mime, split_path
from .webdav import check_name, emit_written

routes = web.RouteTableDef()
BASE = "/ocs/v{v:[12]}.php/apps/files/api/v1"
LABELS = {"docx": "New document", "xlsx": "New spreadsheet", "pptx": "New presentation"}
RATIOS = {"docx": 21 / 29.7, "xlsx": 21 / 29.7, "pptx": 16 / 9}


def _template_creators() -> list[dict[str, Any]]:
    return [
        {"app": "onlyoffice", "label": LABELS[ext], "extension": f".{ext}",
         "iconClass": None, "iconSvgInline": f"<svg><title>new-{ext}</title></svg>",
         "mimetypes": [guess_mime(f"x.{ext}")], "ratio": RATIOS[ext],
         "actionLabel": LABELS[ext], "templates": []}
        for ext in LABELS
    ]


def _file_json(node: Node) -> dict[str, Any]:
    return {"basename": node.name, "etag": node.etag, "fileid": node.fileid,
            "filename": "/" + node.path, "lastmod": int(node.mtime.timestamp()),
            "mime": node.mime, "size": node.size, "type": "file", "hasPreview": False,
            "permissions": node_permissions(node)}


def _new_file(state: NextcloudState, user: str, path: str) -> Node:
    """Create the file with OnlyOffice's blank content, or empty without an editor [run]."""
    parts = split_path(path)
    if not parts:
        raise OcsError(403, "Invalid path")
    try:
        check_name(parts[-1])
    except TreeError as exc:
        raise OcsError(403, exc.message) from exc
    if state.tree.get(user, path) is not None:
        raise OcsError(403, "File already exists")
    extension = parts[-1].rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
    content = b""
    if state.policy.onlyoffice_installed and extension in LABELS:
        content = ooxml.blank_document(extension)
    try:
        node, _ = state.tree.write(user, path, content)
    except TreeError as exc:
        raise OcsError(403, "Invalid path" if exc.status in (404, 409) else exc.message) from exc
    emit_written(state, user, node, True)
    return node


@routes.get(f"{BASE}/templates")
async def list_templates(request: web.Request) -> web.Response:
    installed = state_of(request).policy.onlyoffice_installed
    return ocs_ok(request, _template_creators() if installed else [])


@routes.post(f"{BASE}/templates/create")
async def create_from_template(request: web.Request) -> web.Response:
    params = await read_params(request)
    state = state_of(request)
    node = _new_file(state, account_of(request).uid, params.get("filePath", ""))
    return ocs_ok(request, _file_json(node))


# The Text app, shipped and enabled in every Nextcloud 30, always registers this editor and
# its one creator (nextcloud/text lib/DirectEditing/TextDirectEditor.php getId/getName/
# getMimetypes/getMimetypesOptional/isSecure, TextDocumentCreator.php: id "textdocument",
# name "text document", extension "md", mimetype text/markdown).
TEXT_MIMETYPES = [
    "text/markdown", "text/plain", "application/cmd", "application/x-empty",
    "application/x-msdos-program", "application/javascript", "application/json",
    "application/x-perl", "application/x-php", "application/x-tex", "application/xml",
    "application/yaml", "text/css", "text/csv", "text/html", "text/org", "text/x-c",
    "text/x-c++src", "text/x-h", "text/x-java-source", "text/x-ldif", "text/x-python",
    "text/x-shellscript",
]
TEXT_EDITOR = {"id": "text", "name": "Nextcloud Text", "mimetypes": TEXT_MIMETYPES,
               "optionalMimetypes": [], "secure": False}
TEXT_CREATOR = {"id": "textdocument", "editor": "text", "name": "text document",
                "extension": "md", "templates": False, "mimetype": "text/markdown"}


def _editing_registry(state: NextcloudState) -> tuple[dict[str, Any], dict[str, Any]]:
    """Editors and creators as DirectEditing\\Manager::getEditors lists them: Text always,
    ONLYOFFICE only with the connector installed."""
    editors: dict[str, Any] = {"text": TEXT_EDITOR}
    creators: dict[str, Any] = {"textdocument": TEXT_CREATOR}
    if state.policy.onlyoffice_installed:
        mimes = [guess_mime(f"x.{ext}") for ext in LABELS]
        editors["onlyoffice"] = {"id": "onlyoffice", "name": "ONLYOFFICE", "mimetypes": mimes,
                                 "optionalMimetypes": [], "secure": False}
        creators.update({
            f"onlyoffice_{ext}": {"id": f"onlyoffice_{ext}", "editor": "onlyoffice",
                                  "name": LABELS[ext], "extension": ext, "templates": False,
                                  "mimetype": guess_mime(f"x.{ext}")}
            for ext in LABELS
        })
    return editors, creators


@routes.get(f"{BASE}/directEditing")
async def direct_editing_info(request: web.Request) -> web.Response:
    editors, creators = _editing_registry(state_of(request))
    return ocs_ok(request, {"editors": editors, "creators": creators})


def _no_editor(request: web.Request, action: str) -> web.Response:
    """403 DataResponse: the message sits in data, meta carries none [run]."""
    return ocs_failure(request, 403, "", {"message": f"Failed to {action} file: No editor found"})


def _editing_url(request: web.Request) -> str:
    token = secrets.token_urlsafe(48)
    return f"{state_of(request).base_url(request)}/index.php/apps/files/directEditing/{token}"


@routes.post(f"{BASE}/directEditing/create")
async def direct_create(request: web.Request) -> web.Response:
    params = await read_params(request)
    state = state_of(request)
    _new_file(state, account_of(request).uid, params.get("path", ""))
    # DirectEditing\\Manager::create makes the file before looking the editor up, so a
    # refused call still leaves it behind [run].
    editors, creators = _editing_registry(state)
    editor_id = params.get("editorId", "")
    if editor_id not in editors:
        return _no_editor(request, "create")
    creator = creators.get(params.get("creatorId", ""))
    if creator is None or creator["editor"] != editor_id:
        return ocs_failure(request, 403, "",
                           {"message": "Failed to create file: No creator found"})
    return ocs_ok(request, {"url": _editing_url(request)})


@routes.post(f"{BASE}/directEditing/open")
async def direct_open(request: web.Request) -> web.Response:
    params = await read_params(request)
    state = state_of(request)
    node = state.tree.get(account_of(request).uid, params.get("path", ""))
    if node is None:
        raise OcsError(404, "File not found")
    editors, _ = _editing_registry(state)
    editor_id = params.get("editorId")
    if editor_id:
        usable = editor_id in editors
    else:
        usable = any(node.mime in editor["mimetypes"] for editor in editors.values())
    if not usable:
        return _no_editor(request, "open")
    return ocs_ok(request, {"url": _editing_url(request)})
