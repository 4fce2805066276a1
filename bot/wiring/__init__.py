"""Feature wiring, part of the composition root: each module installs one capability."""

from bot.runtime import Feature
from bot.wiring import core

FEATURES: list[Feature] = [core.install]

__all__ = ["FEATURES"]
