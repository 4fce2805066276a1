"""The enabled features. Adding a slice is one entry here; removing one switches it off
(its commands leave /aide, its jobs and routes are not installed, its tables stay as they are)."""

from __future__ import annotations

from bot.feature import Feature
from commands import accueil, core_feature, crise, digest, kanban, partage, reunion

DEFAULT_FEATURES: tuple[Feature, ...] = (
    core_feature.feature,
    reunion.feature,
    partage.feature,
    kanban.feature,
    crise.feature,
    accueil.feature,
    # Last: the sections it assembles are offered by the features before it.
    digest.feature,
)
