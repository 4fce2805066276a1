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
from .l10n import localise
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


def _text_template_creator(language: str) -> dict[str, Any]:
    """The Text app's creator, registered in every Nextcloud 30 (nextcloud/text 30.0.1
    lib/Listeners/RegisterTemplateCreatorListener.php: app "text", label "New text file",
    extension ".md", mimetypes text/markdown and text/plain, ratio 1, order 10 so it comes
    first; TemplateFileCreator::jsonSerialize gives the keys). Labels are translated."""
    return {"app": "text", "label": localise("New text file", language), "extension": ".md",
            "iconClass": None, "iconSvgInline": "<svg><title>article</title></svg>",
            "mimetypes": ["text/markdown", "text/plain"], "ratio": 1.0,
            "actionLabel": localise("Create new text file", language), "templates": []}


@routes.get(f"{BASE}/templates")
async def list_templates(request: web.Request) -> web.Response:
    installed = state_of(request).policy.onlyoffice_installed
    creators = [_text_template_creator(account_of(request).language)]
    return ocs_ok(request, creators + (_template_creators() if installed else []))


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


def _open_refused(request: web.Request, reason: str) -> web.Response:
    """DirectEditingController::open catches any exception into a 403 DataResponse
    {"message": "Failed to open file: " . $e->getMessage()} (apps/files 30.0.1)."""
    return ocs_failure(request, 403, "", {"message": f"Failed to open file: {reason}"})


@routes.post(f"{BASE}/directEditing/open")
async def direct_open(request: web.Request) -> web.Response:
    """DirectEditing\\Manager::open (lib/private/DirectEditing/Manager.php 30.0.1): a missing
    file throws NotFoundException(<full path>); without editorId the first editor listing the
    file's mimetype is taken, else "No default editor found for files mimetype"; an unknown
    editorId is "Editor <id> is unknown"."""
    params = await read_params(request)
    state = state_of(request)
    uid = account_of(request).uid
    path = params.get("path", "")
    node = state.tree.get(uid, path)
    if node is None or node.is_dir:
        return _open_refused(request, f"/{uid}/files/{path.strip('/')}" if node is None else "")
    editors, _ = _editing_registry(state)
    editor_id = params.get("editorId")
    if not editor_id:
        editor_id = next((e["id"] for e in editors.values() if node.mime in e["mimetypes"]),
                         None)
        if editor_id is None:
            return _open_refused(request, "No default editor found for files mimetype")
    if editor_id not in editors:
        return _open_refused(request, f"Editor {editor_id} is unknown")
    return ocs_ok(request, {"url": _editing_url(request)})


@routes.get(f"{BASE}/directEditing/templates/{{editor_id}}/{{creator_id}}")
async def direct_templates(request: web.Request) -> web.Response:
    """Manager::getTemplates: an unknown editor is a 500 "Failed to obtain template list: No
    matching editor found"; a creator of that editor without templates of its own offers the
    one "empty" template (title "Empty file", translated); any other creator id, none."""
    editors, creators = _editing_registry(state_of(request))
    editor_id = request.match_info["editor_id"]
    if editor_id not in editors:
        return ocs_failure(request, 500, "", {
            "message": "Failed to obtain template list: No matching editor found"})
    creator = creators.get(request.match_info["creator_id"])
    if creator is None or creator["editor"] != editor_id:
        return ocs_ok(request, {"templates": []})
    title = localise("Empty file", account_of(request).language)
    return ocs_ok(request, {"templates": {"empty": {
        "id": "empty", "title": title, "preview": None, "extension": creator["extension"],
        "mimetype": creator["mimetype"]}}})
