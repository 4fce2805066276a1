"""A small Ajv look-alike for the request schemas of @rocket.chat/rest-typings 7.x.

Messages follow Ajv's wording ("must have required property 'x'"); the API wraps them as
`<message> [invalid-params]` with errorType `invalid-params` (Rocket.Chat 7.x
apps/meteor/app/api/server/ApiClass.ts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.rocketchat.errors import MeteorError

JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int,),
    "array": (list,),
    "object": (dict,),
}


@dataclass(frozen=True)
class Schema:
    properties: dict[str, str | tuple[str, ...]]
    required: tuple[str, ...] = ()
    additional: bool = False
    one_of_required: tuple[tuple[str, ...], ...] = field(default_factory=tuple)
    nullable: frozenset[str] = frozenset()  # Ajv `nullable: true`: null is accepted


def _type_ok(value: Any, expected: str | tuple[str, ...]) -> bool:
    names = (expected,) if isinstance(expected, str) else expected
    for name in names:
        kinds = JSON_TYPES[name]
        if isinstance(value, kinds) and not (name != "boolean" and isinstance(value, bool)):
            return True
    return False


def invalid(message: str) -> MeteorError:
    return MeteorError("invalid-params", message)


def validate(schema: Schema, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise invalid("must be object")
    for name in schema.required:
        if name not in data:
            raise invalid(f"must have required property '{name}'")
    if schema.one_of_required:
        matches = [group for group in schema.one_of_required if all(k in data for k in group)]
        if len(matches) != 1:
            raise invalid("must match exactly one schema in oneOf")
    if not schema.additional and any(key not in schema.properties for key in data):
        raise invalid("must NOT have additional properties")
    for key, value in data.items():
        expected = schema.properties.get(key)
        if value is None and key in schema.nullable:
            continue
        if expected is not None and not _type_ok(value, expected):
            names = (expected,) if isinstance(expected, str) else expected
            raise invalid(f"must be {','.join(names)}")
    return data
