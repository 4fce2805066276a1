"""The env file the bot reads: existing lines kept, provisioned values replaced or appended,
written with mode 0600 (it holds the bot's tokens and passwords)."""

from __future__ import annotations

import os
import re
from pathlib import Path

MODE = 0o600
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$")


def read_env(path: Path) -> dict[str, str]:
    """NAME=value lines of the file (quotes around a value removed); {} when absent."""
    if not path.exists():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        found = _ASSIGNMENT.match(line)
        if found and not line.lstrip().startswith("#"):
            values[found.group(1)] = _unquote(found.group(2).strip())
    return values


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def render(previous: str, values: dict[str, str]) -> str:
    """The file's text with `values` set: a line per name, in place when it was there."""
    pending = dict(values)
    lines: list[str] = []
    for line in previous.splitlines():
        found = _ASSIGNMENT.match(line)
        if found and not line.lstrip().startswith("#") and found.group(1) in pending:
            name = found.group(1)
            lines.append(f"{name}={pending.pop(name)}")
        else:
            lines.append(line)
    lines += [f"{name}={value}" for name, value in pending.items()]
    return "\n".join(lines) + "\n"


def write_env(path: Path, values: dict[str, str]) -> bool:
    """Writes the values into the file; False when the file already said exactly that."""
    previous = path.read_text("utf-8") if path.exists() else ""
    text = render(previous, values)
    if text == previous:
        os.chmod(path, MODE)
        return False
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temporary, MODE)  # os.open's mode is filtered by the umask
    os.replace(temporary, path)
    return True
