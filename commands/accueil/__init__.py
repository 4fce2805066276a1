"""ACCUEIL and ÉCOGESTES: newcomers welcomed once, heavy attachments turned into links."""

from commands.accueil import bienvenue, ecogestes
from commands.accueil.feature import feature

__all__ = ["bienvenue", "ecogestes", "feature"]
