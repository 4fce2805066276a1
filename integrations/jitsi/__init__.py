"""Jitsi Meet: signed links behind a lobby, for Prosody's token authentication.

Tokens as jitsi-meet resources/prosody-plugins/token/util.lib.lua checks them and
lib-jitsi-meet doc/tokens.md documents them. The adapter is `integrations.jitsi.meetings`;
this package imports nothing, so that reading its settings loads no token library.
"""
