"""The identities shared by every sandbox (see .helpers/PREAMBLE.md)."""

from __future__ import annotations

import hashlib

from sandbox.rocketchat.ids import UNMISTAKABLE_CHARS

BOT_USERNAME = "ensemble-bot"
AGENTS: dict[str, str] = {
    "marie": "Marie Curie",
    "jean": "Jean Moulin",
    "sophie": "Sophie Germain",
    "luc": "Luc Besson",
    "alice": "Alice Guy",
}
SEED_USERS: list[tuple[str, str, list[str]]] = [
    (BOT_USERNAME, "ENSEMBLE", ["bot"]),
    ("admin", "Administrateur", ["admin"]),
    *((username, name, ["user", "crise"] if username == "sophie" else ["user"])
      for username, name in AGENTS.items()),
]
# (name, type, owner, member usernames, fixed id); `GENERAL` is the real default channel's id.
# The owner (room creator) is a member too: marie created the team's private group.
SEED_ROOMS: list[tuple[str, str, str, list[str], str | None]] = [
    ("general", "c", "admin", [BOT_USERNAME, *AGENTS], "GENERAL"),
    ("equipe-projet", "p", "marie", [BOT_USERNAME, *AGENTS], None),
    ("sans-bot", "c", "admin", list(AGENTS), None),
]


# Rocket.Chat's setup wizard creates GENERAL as the one default channel (`default: true`).
DEFAULT_ROOMS = ("general",)


def password_for(username: str) -> str:
    return f"{username}-sandbox-pass"


def stable_id(label: str) -> str:
    """A 17-char Meteor-looking id derived from a label, so seeded ids never change."""
    digest = hashlib.sha256(label.encode()).digest()
    return "".join(UNMISTAKABLE_CHARS[byte % len(UNMISTAKABLE_CHARS)] for byte in digest[:17])


def stable_token(label: str) -> str:
    return hashlib.sha256(f"token:{label}".encode()).hexdigest()[:43]
