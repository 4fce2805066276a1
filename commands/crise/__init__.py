"""CELLULE DE CRISE: a crisis cell opened, run and closed from chat."""

from commands.crise.feature import feature
from commands.crise.handlers import router

__all__ = ["feature", "router"]
