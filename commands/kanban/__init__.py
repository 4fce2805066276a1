"""PLANIFIONS: Wekan cards from chat, and card events back into the room."""

from commands.kanban.feature import feature
from commands.kanban.handlers import router
from commands.kanban.watch import BoardWatch

__all__ = ["BoardWatch", "feature", "router"]
