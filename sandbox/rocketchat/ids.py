"""Meteor-style random ids (17 characters from Meteor's UNMISTAKABLE_CHARS alphabet)."""

from __future__ import annotations

import random
import secrets

# Meteor Random.id() alphabet: https://github.com/meteor/meteor/blob/devel/packages/random/AbstractRandomGenerator.js
UNMISTAKABLE_CHARS = "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz"


class IdGenerator:
    """Ids are random by default; a seed makes a run reproducible."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed) if seed is not None else None

    def meteor_id(self, length: int = 17) -> str:
        if self._random is not None:
            return "".join(self._random.choice(UNMISTAKABLE_CHARS) for _ in range(length))
        return "".join(secrets.choice(UNMISTAKABLE_CHARS) for _ in range(length))

    def token(self) -> str:
        """Login tokens are 43-char base64url strings (Accounts._generateStampedLoginToken)."""
        if self._random is not None:
            return "".join(self._random.choice(UNMISTAKABLE_CHARS) for _ in range(43))
        return secrets.token_urlsafe(32)
