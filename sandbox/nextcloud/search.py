"""DAV SEARCH (RFC 5323 basicsearch) as nc-py-api's `find()` builds it (nc-py-api 0.30
files/_files.py `build_find_request`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote
from xml.etree import ElementTree

from .davxml import prefixed
from .tree import INSTANCE_ID, Node

Predicate = Callable[[Node], bool]
D = "{DAV:}"


class SearchError(ValueError):
    """The request cannot be understood; WebDAV answers 400."""


@dataclass
class SearchQuery:
    user: str
    path: str
    props: list[str]
    where: Predicate


def _node_value(node: Node, prop: str) -> object:
    values: dict[str, object] = {
        "d:displayname": node.name,
        "d:getcontenttype": node.mime,
        "d:getlastmodified": node.mtime,
        "d:creationdate": datetime.fromtimestamp(0, UTC),
        "oc:size": node.size,
        "oc:favorite": int(node.favorite),
        "oc:fileid": node.fileid,
    }
    if prop not in values:
        raise SearchError(f"Unsupported search property {prop}")
    return values[prop]


def _literal(raw: str, sample: object) -> object:
    """Convert the literal to the property's type: `65` or `00000065<instance>` for ids."""
    if isinstance(sample, datetime):
        if raw.isdigit():
            return datetime.fromtimestamp(int(raw), UTC)
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return parsedate_to_datetime(raw)
    if isinstance(sample, int):
        return int(raw.removesuffix(INSTANCE_ID)) if raw else 0
    return raw


def _like(pattern: str, value: str) -> bool:
    """SQL LIKE with `%` and `_`; Nextcloud compares names case-insensitively (iLike)."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL) is not None


def _ordered(value: object, literal: object) -> int:
    """-1/0/1 for ints or datetimes; anything else cannot be ordered in DAV search."""
    if isinstance(value, int) and isinstance(literal, int):
        return (value > literal) - (value < literal)
    if isinstance(value, datetime) and isinstance(literal, datetime):
        return (value > literal) - (value < literal)
    raise SearchError("Ordered comparison on a non-ordered property")


def _comparison(op: str, elem: ElementTree.Element) -> Predicate:
    prop_el = elem.find(f"{D}prop")
    literal_el = elem.find(f"{D}literal")
    if prop_el is None or len(prop_el) == 0 or literal_el is None:
        raise SearchError(f"Malformed {op} clause")
    prop = prefixed(prop_el[0].tag)
    raw = (literal_el.text or "").strip()

    def check(node: Node) -> bool:
        value = _node_value(node, prop)
        if op == "like":
            return _like(raw, str(value))
        literal = _literal(raw, value)
        if op == "eq":
            return value == literal
        ordered = _ordered(value, literal)
        return {"gt": ordered > 0, "gte": ordered >= 0, "lt": ordered < 0,
                "lte": ordered <= 0}[op]

    return check


def _predicate(elem: ElementTree.Element) -> Predicate:
    op = elem.tag.removeprefix(D)
    children = list(elem)
    if op in ("and", "or"):
        parts = [_predicate(c) for c in children]
        combine = all if op == "and" else any
        return lambda n: combine(p(n) for p in parts)
    if op == "not":
        inner = _predicate(children[0])
        return lambda n: not inner(n)
    if op in ("eq", "gt", "gte", "lt", "lte", "like"):
        return _comparison(op, elem)
    raise SearchError(f"Unsupported operator {op}")


def parse_search(body: bytes) -> SearchQuery:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise SearchError("Invalid XML") from exc
    basic = root.find(f"{D}basicsearch")
    if basic is None:
        raise SearchError("Missing basicsearch")
    href_el = basic.find(f"{D}from/{D}scope/{D}href")
    scope = unquote((href_el.text or "") if href_el is not None else "").strip("/")
    parts = scope.split("/", 2)
    if len(parts) < 2 or parts[0] != "files":
        raise SearchError("Invalid search scope")
    select = basic.find(f"{D}select/{D}prop")
    props = [prefixed(p.tag) for p in select] if select is not None else []
    where_el = basic.find(f"{D}where")
    clauses = [_predicate(c) for c in where_el] if where_el is not None else []
    return SearchQuery(
        user=parts[1], path=parts[2] if len(parts) > 2 else "", props=props,
        where=lambda n: all(c(n) for c in clauses),
    )
