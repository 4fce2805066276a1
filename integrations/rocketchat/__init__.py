"""Rocket.Chat adapter: DDP streams for receiving (rocketchat-async), REST for acting.

The transport is `integrations.rocketchat.transport.RocketChatTransport`; this package does
not import it, so that reading the adapter's settings (every command line does) does not load
websockets, rocketchat-async and aiohttp for a console that never connects."""
