"""Protocols implemented by the integrations; one module per kind of outside service."""

from bot.ports.chat import ChatPort, ChatTransport, Clock, EventSink, ResumeFrom

__all__ = ["ChatPort", "ChatTransport", "Clock", "EventSink", "ResumeFrom"]
