"""Jitsi Meet: signed links behind a lobby (spec: shared/specs/jitsi.md §6)."""

from integrations.jitsi.meetings import JitsiMeetings, JitsiNotConfigured

__all__ = ["JitsiMeetings", "JitsiNotConfigured"]
