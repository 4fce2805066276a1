"""Binds the words of a command line to the declared arguments and options of a command."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from bot.errors import ArgumentError
from bot.i18n import N_
from bot.routing import Argument, Command, Option

if TYPE_CHECKING:
    from bot.context import Context

OPTION_PREFIX = "--"


async def bind(command: Command, words: list[str], ctx: Context) -> dict[str, Any]:
    positional, raw_options = _split(command, words)
    values: dict[str, Any] = {}
    for spec in command.arguments:
        if spec.prefix:
            taken, positional = _prefixed(spec, positional, ctx)
            values[spec.name] = [await _parse(spec.parser, word, ctx) for word in taken]
    plain = [spec for spec in command.arguments if not spec.prefix]
    for spec, raw in _assign_positional(plain, positional, ctx):
        values[spec.name] = None if raw is None else await _parse(spec.parser, raw, ctx)
    for opt in command.options:
        values[opt.name] = await _option_value(opt, raw_options.get(opt.name), ctx)
    return values


def _split(command: Command, words: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    positional: list[str] = []
    options: dict[str, list[str]] = {}
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if not word.startswith(OPTION_PREFIX) or len(word) <= len(OPTION_PREFIX):
            positional.append(word)
            continue
        spec = command.option(word[len(OPTION_PREFIX) :].lower())
        if spec is None:
            raise ArgumentError(N_("Unknown option {option}."), option=word)
        taken = options.setdefault(spec.name, [])
        if spec.flag:
            continue
        while index < len(words) and not words[index].startswith(OPTION_PREFIX):
            taken.append(words[index])
            index += 1
            if not spec.multiple:
                break
        if not taken:
            raise ArgumentError(N_("The option {option} needs a value."), option=word)
    return positional, options


def _prefixed(spec: Argument, words: list[str], ctx: Context) -> tuple[list[str], list[str]]:
    """The words of a prefixed argument, and the others in their order."""
    prefix = spec.prefix or ""
    taken = [w for w in words if w.startswith(prefix) and len(w) > len(prefix)]
    if not taken and spec.required:
        raise ArgumentError(N_("Missing argument: {argument}."), argument=ctx.t(spec.label))
    return taken, [w for w in words if w not in taken]


def _assign_positional(
    arguments: list[Argument], words: list[str], ctx: Context
) -> list[tuple[Argument, str | None]]:
    assigned: list[tuple[Argument, str | None]] = []
    remaining = list(words)
    for spec in arguments:
        if spec.greedy:
            raw = " ".join(remaining) if remaining else None
            remaining = []
        else:
            raw = remaining.pop(0) if remaining else None
        if raw is None and spec.required:
            raise ArgumentError(N_("Missing argument: {argument}."), argument=ctx.t(spec.label))
        assigned.append((spec, raw))
    if remaining:
        raise ArgumentError(N_("Unexpected words: {words}."), words=" ".join(remaining))
    return assigned


async def _option_value(spec: Option, raw: list[str] | None, ctx: Context) -> Any:
    if spec.flag:
        return raw is not None
    if raw is None:
        return [] if spec.multiple else None
    if spec.multiple:
        return [await _parse(spec.parser, word, ctx) for word in raw]
    return await _parse(spec.parser, raw[0], ctx)


async def _parse(parser: Any, raw: str, ctx: Context) -> Any:
    value = parser(raw, ctx)
    return await value if inspect.isawaitable(value) else value
