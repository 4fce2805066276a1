"""Feature wiring, part of the composition root: each module installs one capability."""

from bot.runtime import Feature
from bot.wiring import boards, core, meetings, shares

FEATURES: list[Feature] = [core.install, meetings.install, shares.install, boards.install]

__all__ = ["FEATURES"]
