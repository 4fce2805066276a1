"""Serialisation of stored objects: EJSON for DDP, ISO dates for REST."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox.rocketchat.clock import from_ms, to_iso, to_ms


def _convert(value: Any, date: Callable[[datetime], Any]) -> Any:
    if isinstance(value, datetime):
        return date(value)
    if isinstance(value, dict):
        return {key: _convert(item, date) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_convert(item, date) for item in value]
    return value


def to_ejson(value: Any) -> Any:
    """Dates become {"$date": ms} as Meteor's EJSON.stringify writes them."""
    return _convert(value, lambda moment: {"$date": to_ms(moment)})


def to_rest(value: Any) -> Any:
    """Dates become ISO strings as Express' res.json writes them."""
    return _convert(value, to_iso)


def from_ejson(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$date"} and isinstance(value["$date"], int | float):
            return from_ms(value["$date"])
        return {key: from_ejson(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_ejson(item) for item in value]
    return value
