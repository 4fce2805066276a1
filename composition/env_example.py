"""The .env.example of the bot: every variable of the settings the composition root reads."""

from __future__ import annotations

from bot import env_example
from composition.settings import EnsembleSettings


def render() -> str:
    return env_example.render(EnsembleSettings)
