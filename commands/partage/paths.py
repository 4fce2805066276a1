"""Paths typed by users, confined to the room's share folder, and safe file names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from bot.errors import ArgumentError
from bot.i18n import N_
from bot.ports.files import SharingPolicy

MAX_PATH_LENGTH = 512
MAX_NAME_LENGTH = 200
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
UNSAFE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f/\\]")


@dataclass(frozen=True, slots=True)
class TypedPath:
    """A path as typed, checked for what can be checked before the room's folder is known."""

    parts: tuple[str, ...]
    named_folder: str | None = None  # the <room> of a typed "<base>/<room>/…"

    def inside(self, base: str, folder: str) -> str:
        """The path in the room's folder; a path naming another room's folder is refused."""
        if self.named_folder is not None and self.named_folder.lower() != folder.lower():
            raise ArgumentError(
                N_("From this room you can only share files of its folder {folder}."),
                show_usage=False, folder=f"{base}/{folder}",
            )
        return str(PurePosixPath(base, folder, *self.parts))


def read_path(raw: str, base: str) -> TypedPath:
    """What `raw` names under a room's folder; refuses anything that could leave it.

    A typed path is confined to the folder of the room where the command is typed: members
    of a room see its folder, and nobody may publish what another room stored.
    "/", "<base>" and "<base>/<room>" name that folder itself, and a leading "/" or
    "<base>/<room>/" means it too, so that paths copied from the Files app work;
    "<base>/<another room>/…" is refused (`TypedPath.inside`). "..", NUL and control
    characters, backslashes and overlong input are refused outright rather than cleaned, so
    that a refusal never creates anything.
    """
    text = raw.strip()
    if not text or len(text) > MAX_PATH_LENGTH:
        raise ArgumentError(N_("This path is empty or too long."), show_usage=False)
    if CONTROL.search(text) or "\\" in text:
        raise ArgumentError(N_("This path contains forbidden characters."), show_usage=False)
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise ArgumentError(
            N_("Paths may not go up with “..”: name a file inside {base}."), base=base
        )
    named = None
    if parts and parts[0].lower() == base.lower():
        named = parts[1] if len(parts) > 1 else None
        parts = parts[2:]
    if any(len(p) > MAX_NAME_LENGTH for p in parts):
        raise ArgumentError(N_("This path is empty or too long."), show_usage=False)
    return TypedPath(tuple(parts), named)  # no parts: the room's folder itself


def folder_name(text: str) -> str:
    """A folder name made from a room name: no separators, never empty."""
    cleaned = UNSAFE_IN_NAMES.sub("_", text).strip().strip(".")
    return cleaned[:MAX_NAME_LENGTH] or "salon"


def safe_file_name(name: str, policy: SharingPolicy) -> str:
    """A chat attachment's name made storable: separators replaced, server rules checked."""
    cleaned = UNSAFE_IN_NAMES.sub("_", PurePosixPath(name.replace("\\", "/")).name).strip()
    for character in policy.forbidden_characters:
        cleaned = cleaned.replace(character, "_")
    cleaned = cleaned.lstrip(".") or "fichier"
    if len(cleaned) > MAX_NAME_LENGTH:
        stem, dot, extension = cleaned.rpartition(".")
        keep = MAX_NAME_LENGTH - len(extension) - 1
        cleaned = f"{stem[:keep]}.{extension}" if dot and keep > 0 else cleaned[:MAX_NAME_LENGTH]
    lowered = cleaned.lower()
    if lowered in policy.forbidden_names or lowered.endswith(policy.forbidden_extensions):
        raise ArgumentError(
            N_("Nextcloud does not accept a file named {name}."), show_usage=False, name=cleaned
        )
    return cleaned


def numbered(name: str, number: int) -> str:
    """`rapport.pdf` → `rapport (2).pdf`, as the Files app names copies."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return f"{name} ({number})"
    return f"{stem} ({number}).{extension}"
