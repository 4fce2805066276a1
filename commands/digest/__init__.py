"""DIGESTS: /digest sends managers one scheduled message instead of a stream of notices."""

from commands.digest.feature import feature
from commands.digest.handlers import router

__all__ = ["feature", "router"]
