"""WebDAV XML as Nextcloud (Sabre) writes it: literal `d:`/`s:`/`oc:`/`nc:` prefixes.

nc-py-api parses multistatus with xmltodict *without* namespace processing, so the prefixes
are part of the contract (nc-py-api 0.30 files/_files.py `_webdav_response_to_records`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from email.utils import format_datetime
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from .tree import Node

NS = {"DAV:": "d", "http://owncloud.org/ns": "oc", "http://nextcloud.org/ns": "nc",
      "http://sabredav.org/ns": "s", "http://open-collaboration-services.org/ns": "x1"}
ROOT_ATTRS = ('xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" '
              'xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"')

DEFAULT_PROPS = ["d:resourcetype", "d:getlastmodified", "d:getcontentlength",
                 "d:getcontenttype", "d:getetag", "oc:size", "oc:id", "oc:fileid",
                 "oc:permissions", "oc:favorite", "oc:share-types"]

# Sabre\HTTP\encodePath: everything outside this set becomes %xx in lowercase hex.
_UNSAFE = re.compile(r"[^A-Za-z0-9_\-.~()/:@]")


def encode_path(path: str) -> str:
    return _UNSAFE.sub(lambda m: "".join(f"%{b:02x}" for b in m.group(0).encode()), path)


def prefixed(tag: str) -> str:
    """'{DAV:}getetag' → 'd:getetag'; unknown namespaces keep Clark notation."""
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        if uri in NS:
            return f"{NS[uri]}:{local}"
    return tag


def requested_props(body: bytes) -> list[str]:
    """Props of a PROPFIND body; an empty body or <d:allprop/> means the default set."""
    if not body.strip():
        return list(DEFAULT_PROPS)
    root = ElementTree.fromstring(body)
    prop = root.find("{DAV:}prop")
    if prop is None:
        return list(DEFAULT_PROPS)
    return [prefixed(child.tag) for child in prop]


PropValue = Callable[[Node], str | None]


def _file_only(render: PropValue) -> PropValue:
    return lambda n: None if n.is_dir else render(n)


def _share_types(types: list[int]) -> str:
    return "".join(f"<oc:share-type>{t}</oc:share-type>" for t in types)


def prop_renderers(share_types: Callable[[Node], list[int]]) -> dict[str, PropValue]:
    """XML body of each supported prop; None means 404 for this node."""
    return {
        "d:resourcetype": lambda n: "<d:collection/>" if n.is_dir else "",
        "d:getlastmodified": lambda n: format_datetime(n.mtime, usegmt=True),
        "d:creationdate": lambda n: "1970-01-01T00:00:00+00:00",
        "d:getcontentlength": _file_only(lambda n: str(n.size)),
        "d:getcontenttype": _file_only(lambda n: escape(n.mime)),
        "d:getetag": lambda n: f"&quot;{n.etag}&quot;",
        "d:displayname": lambda n: escape(n.name),
        "oc:size": lambda n: str(n.size),
        "oc:id": lambda n: n.oc_id,
        "oc:fileid": lambda n: str(n.fileid),
        "oc:downloadURL": _file_only(lambda n: ""),
        "oc:permissions": lambda n: "RGDNVCK" if n.is_dir else "RGDNVW",
        "oc:share-types": lambda n: _share_types(share_types(n)),
        "oc:favorite": lambda n: "1" if n.favorite else "0",
        "oc:owner-id": lambda n: escape(n.owner),
        "nc:is-encrypted": lambda n: "0",
        "nc:has-preview": lambda n: "false",
    }


def _element(name: str, inner: str) -> str:
    return f"<{name}>{inner}</{name}>" if inner else f"<{name}/>"


def _empty(prop: str) -> str:
    if prop.startswith("{"):
        uri, local = prop[1:].split("}", 1)
        return f'<x:{local} xmlns:x="{escape(uri)}"/>'
    return f"<{prop}/>"


def response_xml(href: str, node: Node, props: list[str],
                 renderers: dict[str, PropValue]) -> str:
    found: list[str] = []
    missing: list[str] = []
    for prop in props:
        render = renderers.get(prop)
        value = render(node) if render else None
        if value is None:
            missing.append(_empty(prop))
        else:
            found.append(_element(prop, value))
    parts = [f"<d:response><d:href>{href}</d:href>"]
    if found:
        parts.append(f"<d:propstat><d:prop>{''.join(found)}</d:prop>"
                     "<d:status>HTTP/1.1 200 OK</d:status></d:propstat>")
    if missing:
        parts.append(f"<d:propstat><d:prop>{''.join(missing)}</d:prop>"
                     "<d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>")
    parts.append("</d:response>")
    return "".join(parts)


def multistatus(responses: Iterable[str]) -> str:
    return (f'<?xml version="1.0"?>\n<d:multistatus {ROOT_ATTRS}>'
            f"{''.join(responses)}</d:multistatus>\n")


def error_xml(exception: str, message: str) -> str:
    """Sabre's error body; nc-py-api never reads it for non-207 answers."""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns">\n'
            f"  <s:exception>Sabre\\DAV\\Exception\\{exception}</s:exception>\n"
            f"  <s:message>{escape(message)}</s:message>\n</d:error>\n")
