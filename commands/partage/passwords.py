"""Strong link passwords that satisfy the server's password policy."""

from __future__ import annotations

import secrets
import string

from bot.ports.files import SharingPolicy

MIN_LENGTH = 16
# No characters that look alike or break Markdown and URLs when copied from chat.
LETTERS = "abcdefghijkmnopqrstuvwxyz"
CAPITALS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "23456789"
SPECIALS = "!#%+-=?@"


def strong_password(policy: SharingPolicy) -> str:
    """At least 16 characters with every class the policy may ask for, shuffled."""
    length = max(MIN_LENGTH, policy.password_min_length + 4)
    pools = [LETTERS, CAPITALS, DIGITS, SPECIALS]
    chars = [secrets.choice(pool) for pool in pools]
    alphabet = "".join(pools)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def looks_strong(password: str) -> bool:
    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, SPECIALS)
    return len(password) >= MIN_LENGTH and all(any(c in k for c in password) for k in classes)
