"""Admin policy switches and the capabilities document they drive.

Capability logic follows nc30 apps/files_sharing/lib/Capabilities.php (conditional presence
of `days`/`enforced` included).
"""

from __future__ import annotations

import secrets
import string
from dataclasses import asdict, dataclass, fields
from typing import Any

from .l10n import Text

VERSION = {
    "major": 30,
    "minor": 0,
    "micro": 1,
    "string": "30.0.1",
    "edition": "",
    "extendedSupport": False,
}

# A small stand-in for the password_policy app's "1,000,000 most common passwords" list.
COMMON_PASSWORDS = frozenset(
    {"password", "123456", "12345678", "123456789", "1234567890", "qwerty", "azerty",
     "motdepasse", "password1", "iloveyou", "admin", "welcome", "secret", "letmein",
     "football", "monkey", "dragon", "sunshine", "princess", "soleil", "bonjour",
     "password123", "qwertyuiop", "azertyuiop", "0000000000", "1111111111"}
)
SPECIAL_CHARS = "!@#$%^&*()-_=+[]{};:,.<>?/|~"


@dataclass
class Policy:
    """Every switch an admin can flip; names mirror the `shareapi_*` app config keys."""

    api_enabled: bool = True
    links_enabled: bool = True
    password_enforced: bool = False
    expire_date_enabled: bool = False
    expire_date_days: int = 7
    expire_date_enforced: bool = False
    public_upload: bool = True
    resharing: bool = True
    group_sharing: bool = True
    default_permissions: int = 31
    password_min_length: int = 10
    password_enforce_non_common: bool = True
    password_enforce_numeric: bool = False
    password_enforce_special: bool = False
    password_enforce_upper_lower: bool = False
    onlyoffice_installed: bool = True
    talk_enabled: bool = False
    downloadlimit_enabled: bool = True

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a JSON patch of switches; unknown keys or wrong types raise ValueError."""
        known = {f.name: f.type for f in fields(self)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(f"unknown policy switch: {key}")
            expected = int if known[key] == "int" else bool
            if type(value) is not expected:
                raise ValueError(f"{key} must be {expected.__name__}")
            setattr(self, key, value)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def password_errors(self, password: str) -> list[Text]:
        """The password_policy app's hints (translated there), in its order of checks."""
        errors: list[Text] = []
        if self.password_enforce_non_common and password.lower() in COMMON_PASSWORDS:
            errors.append(
                Text("Password is among the 1,000,000 most common ones. Please make it unique.")
            )
        if len(password) < self.password_min_length:
            errors.append(Text("Password needs to be at least %s characters long.",
                               (self.password_min_length,)))
        if self.password_enforce_upper_lower and (
            password.lower() == password or password.upper() == password
        ):
            errors.append(Text(
                "Password needs to contain at least one lower and one upper case character."
            ))
        if self.password_enforce_numeric and not any(c.isdigit() for c in password):
            errors.append(Text("Password needs to contain at least one numeric character."))
        if self.password_enforce_special and not any(c in SPECIAL_CHARS for c in password):
            errors.append(Text("Password needs to contain at least one special character."))
        return errors

    def generate_password(self) -> str:
        """Like password_policy's generator: long enough, one of every required class."""
        length = max(self.password_min_length, 10)
        pools = [string.ascii_lowercase, string.ascii_uppercase, string.digits]
        if self.password_enforce_special:
            pools.append(SPECIAL_CHARS)
        chars = [secrets.choice(pool) for pool in pools]
        alphabet = "".join(pools)
        chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        return "".join(chars)


def _public_capability(policy: Policy) -> dict[str, Any]:
    if not policy.links_enabled:
        return {"enabled": False}
    expire: dict[str, Any] = {"enabled": policy.expire_date_enabled}
    if policy.expire_date_enabled:
        expire["days"] = policy.expire_date_days
        expire["enforced"] = policy.expire_date_enforced
    return {
        "enabled": True,
        "password": {"enforced": policy.password_enforced, "askForOptionalPassword": False},
        "multiple_links": True,
        "expire_date": expire,
        "expire_date_internal": {"enabled": False},
        "expire_date_remote": {"enabled": False},
        "send_mail": False,
        "upload": policy.public_upload,
        "upload_files_drop": policy.public_upload,
        "custom_tokens": False,
    }


def sharing_capability(policy: Policy) -> dict[str, Any]:
    if not policy.api_enabled:
        return {"api_enabled": False, "public": {"enabled": False},
                "user": {"send_mail": False}, "resharing": False}
    return {
        "api_enabled": True,
        "public": _public_capability(policy),
        "user": {"send_mail": False, "expire_date": {"enabled": True}},
        "resharing": policy.resharing,
        "group_sharing": policy.group_sharing,
        "group": {"enabled": policy.group_sharing, "expire_date": {"enabled": True}},
        "default_permissions": policy.default_permissions,
        "federation": {"outgoing": True, "incoming": True,
                       "expire_date": {"enabled": True},
                       "expire_date_supported": {"enabled": True}},
        "sharee": {"query_lookup_default": False, "always_show_unique": True},
    }


def password_policy_capability(policy: Policy, base_url: str) -> dict[str, Any]:
    api = f"{base_url}/ocs/v2.php/apps/password_policy/api/v1"
    return {
        "minLength": policy.password_min_length,
        "enforceNonCommonPassword": policy.password_enforce_non_common,
        "enforceNumericCharacters": policy.password_enforce_numeric,
        "enforceSpecialCharacters": policy.password_enforce_special,
        "enforceUpperLowerCase": policy.password_enforce_upper_lower,
        "api": {"generate": f"{api}/generate", "validate": f"{api}/validate"},
    }


def capabilities(policy: Policy, base_url: str, editing_etag: str) -> dict[str, Any]:
    """The `ocs.data` of GET /ocs/v{1,2}.php/cloud/capabilities."""
    return {
        "version": dict(VERSION),
        "capabilities": {
            "core": {"pollinterval": 60, "webdav-root": "remote.php/webdav",
                     "reference-api": True, "mod-rewrite-working": False},
            "bruteforce": {"delay": 0, "allow-listed": False},
            "files": {
                "bigfilechunking": True,
                "blacklisted_files": [".htaccess"],
                "forbidden_filenames": [".htaccess"],
                "forbidden_filename_basenames": [],
                "forbidden_filename_characters": ["\\", "/"],
                "forbidden_filename_extensions": [".part", ".filepart"],
                "chunked_upload": {"max_size": 0, "max_parallel_count": 5},
                "directEditing": {
                    "url": f"{base_url}/ocs/v2.php/apps/files/api/v1/directEditing",
                    "etag": editing_etag,
                    "supportsFileId": True,
                },
                "comments": True,
                "undelete": True,
                "versioning": True,
            },
            "files_sharing": sharing_capability(policy),
            "password_policy": password_policy_capability(policy, base_url),
            "notifications": {"ocs-endpoints": ["list", "get", "delete", "delete-all"],
                              "admin-notifications": ["ocs", "cli"]},
            **({"downloadlimit": {"enabled": True}} if policy.downloadlimit_enabled else {}),
        },
    }
