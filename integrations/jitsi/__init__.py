"""Jitsi Meet: signed links behind a lobby, for Prosody's token authentication.

Tokens as jitsi-meet resources/prosody-plugins/token/util.lib.lua checks them and
lib-jitsi-meet doc/tokens.md documents them.
"""

from integrations.jitsi.meetings import JitsiMeetings, JitsiNotConfigured

__all__ = ["JitsiMeetings", "JitsiNotConfigured"]
