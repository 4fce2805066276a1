"""The capabilities document (Nextcloud 30 apps/files_sharing/lib/Capabilities.php) read into
the port's SharingPolicy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.ports.files import SharingPolicy


def _section(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    for key in keys:
        value = data.get(key)
        data = value if isinstance(value, Mapping) else {}
    return data


def _extensions(creators: Iterable[Any]) -> frozenset[str]:
    """Extensions an office editor can create (templates API: `.docx` etc.)."""
    found = set()
    for creator in creators:
        if isinstance(creator, Mapping):
            found.add(str(creator.get("extension", "")).lstrip(".").lower())
    return frozenset(found - {""})


def read_policy(capabilities: Mapping[str, Any], creators: Iterable[Any] = ()) -> SharingPolicy:
    sharing = _section(capabilities, "files_sharing")
    public = _section(sharing, "public")
    expire = _section(public, "expire_date")
    passwords = _section(capabilities, "password_policy")
    files = _section(capabilities, "files")
    # `days` and `enforced` are only present when the default expiry is enabled (§3).
    expiry_on = bool(expire.get("enabled", False))
    return SharingPolicy(
        api_enabled=bool(sharing.get("api_enabled", False)),
        links_enabled=bool(public.get("enabled", False)),
        password_enforced=bool(_section(public, "password").get("enforced", False)),
        expiry_default_days=int(expire.get("days", 7)) if expiry_on else None,
        expiry_enforced=expiry_on and bool(expire.get("enforced", False)),
        public_upload=bool(public.get("upload", False)),
        group_sharing=bool(_section(sharing, "group").get("enabled", True)),
        password_min_length=int(passwords.get("minLength", 10)),
        password_needs_digit=bool(passwords.get("enforceNumericCharacters", False)),
        password_needs_special=bool(passwords.get("enforceSpecialCharacters", False)),
        password_needs_mixed_case=bool(passwords.get("enforceUpperLowerCase", False)),
        forbidden_names=frozenset(str(n).lower() for n in files.get("forbidden_filenames", [])),
        forbidden_characters=frozenset(
            str(c) for c in files.get("forbidden_filename_characters", [])
        ),
        forbidden_extensions=tuple(
            str(e).lower() for e in files.get("forbidden_filename_extensions", [])
        ),
        office_extensions=_extensions(creators),
    )
