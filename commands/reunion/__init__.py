"""RÉUNIONS: /reunion and the call button give signed Jitsi rooms behind a lobby."""

from commands.reunion.desk import MeetingDesk
from commands.reunion.feature import feature
from commands.reunion.handlers import router
from commands.reunion.reminders import Reminders

__all__ = ["MeetingDesk", "Reminders", "feature", "router"]
