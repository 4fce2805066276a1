"""Rocket.Chat adapter: DDP streams for receiving (rocketchat-async), REST for acting."""

from integrations.rocketchat.transport import RocketChatTransport

__all__ = ["RocketChatTransport"]
