"""Accounts, app passwords and groups of the fake Nextcloud."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from dataclasses import dataclass, field


@dataclass
class Account:
    uid: str
    display_name: str
    password: str
    email: str = ""
    admin: bool = False
    app_passwords: list[str] = field(default_factory=list)
    # The account's `core.lang`: a French administration's instance speaks French, and
    # Nextcloud translates OCS messages into it (see l10n.py).
    language: str = "fr"
    # The account's `core.timezone`, set when its owner first logs in with a browser; an
    # account used through the API alone (the bot's) has none and gets the server's default.
    timezone: str | None = None

    def accepts(self, secret: str) -> bool:
        """Login password or any app password, compared in constant time."""
        candidates = [self.password, *self.app_passwords]
        return any(hmac.compare_digest(secret.encode(), c.encode()) for c in candidates)


def new_app_password() -> str:
    """Nextcloud app passwords are 72 chars in 5 dash-separated groups; shape kept loosely."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(5)]
    return "-".join(groups)


def decode_basic(header: str | None) -> tuple[str, str] | None:
    """The (login, secret) of an `Authorization: Basic …` header; None when absent or bad."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    login, _, secret = decoded.partition(":")
    return login, secret


class Directory:
    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.groups: dict[str, set[str]] = {}

    def add_user(
        self,
        uid: str,
        display_name: str | None = None,
        password: str | None = None,
        *,
        email: str = "",
        admin: bool = False,
        language: str = "fr",
    ) -> Account:
        account = Account(
            uid=uid,
            display_name=display_name or uid,
            password=password or secrets.token_urlsafe(12),
            email=email,
            admin=admin,
            language=language,
        )
        self.accounts[uid] = account
        if admin:
            self.add_to_group("admin", uid)
        return account

    def add_group(self, gid: str) -> set[str]:
        return self.groups.setdefault(gid, set())

    def add_to_group(self, gid: str, uid: str) -> None:
        self.add_group(gid).add(uid)

    def groups_of(self, uid: str) -> list[str]:
        return sorted(gid for gid, members in self.groups.items() if uid in members)

    def display_name(self, uid: str) -> str:
        account = self.accounts.get(uid)
        return account.display_name if account else uid

    def authenticate(self, header: str | None) -> Account | None:
        """Check an `Authorization: Basic …` header; None when absent or wrong."""
        decoded = decode_basic(header)
        if decoded is None:
            return None
        login, secret = decoded
        account = self.accounts.get(login)
        return account if account is not None and account.accepts(secret) else None
