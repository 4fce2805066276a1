"""Form-encoded REST bodies, parsed as Rocket.Chat parses them.

Rocket.Chat mounts `express.urlencoded({ extended: true, limit: '50mb' })` next to
`express.json` in front of its REST API (apps/meteor/app/api/server/api.ts, at the end of the
file, Rocket.Chat 7.x, commit 03171a3d), so a client may post `application/x-www-form-urlencoded`
bodies. `extended: true` means the `qs` library's syntax: `message[rid]=r&message[msg]=hi` is
`{"message": {"rid": "r", "msg": "hi"}}`, `a[]=1&a[]=2` and a repeated `a=1&a=2` are lists,
`a[0]=x` is a list too; every value is a string; nesting deeper than 5 brackets keeps the rest
of the key as one literal part (qs's default `depth`).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

MAX_DEPTH = 5  # qs's default
ARRAY_LIMIT = 20  # qs: a larger index makes an object key, not a list position
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def parse_urlencoded(text: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        _assign(body, _key_parts(key), value)
    return {k: _as_lists(v) for k, v in body.items()}


def _key_parts(key: str) -> list[str]:
    """`a[b][]` -> ["a", "b", ""]; past MAX_DEPTH the remainder is one part, as qs does."""
    head, bracket, _ = key.partition("[")
    if not bracket or not head:
        return [key]
    parts, position = [head], len(head)
    for match in _BRACKETS.finditer(key, position):
        if match.start() != position or len(parts) > MAX_DEPTH:
            break
        parts.append(match.group(1))
        position = match.end()
    if position < len(key):
        parts.append(key[position:])
    return parts


def _assign(node: dict[str, Any], parts: list[str], value: str) -> None:
    *path, last = parts
    for part in path:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {} if child is None else {"0": child}
            node[part] = child
        node = child
    if last == "":  # a[]=x appends
        last = str(sum(1 for k in node if k.isdigit()))
    if last in node:  # a=1&a=2
        existing = node[last]
        node[last] = [*existing, value] if isinstance(existing, list) else [existing, value]
    else:
        node[last] = value


def _as_lists(value: Any) -> Any:
    """An object whose keys are all small indexes becomes a list in their order."""
    if isinstance(value, list):
        return [_as_lists(v) for v in value]
    if not isinstance(value, dict):
        return value
    converted = {k: _as_lists(v) for k, v in value.items()}
    if converted and all(k.isdigit() and int(k) <= ARRAY_LIMIT for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted
