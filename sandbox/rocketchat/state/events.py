"""What the store announces; the DDP layer turns these into stream frames."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MessageChanged:
    """Insert or update of a message (`watch.messages`)."""

    message: dict[str, Any]


@dataclass(frozen=True)
class RoomChanged:
    """`watch.rooms`: sent to the `<uid>/rooms-changed` streams of `user_ids`."""

    action: str
    room: dict[str, Any]
    user_ids: tuple[str, ...]


@dataclass(frozen=True)
class SubscriptionChanged:
    action: str
    user_id: str
    subscription: dict[str, Any]


@dataclass(frozen=True)
class NotifyRoom:
    rid: str
    event: str
    args: list[Any]


@dataclass(frozen=True)
class NotifyUser:
    user_id: str
    event: str
    args: list[Any]


Event = MessageChanged | RoomChanged | SubscriptionChanged | NotifyRoom | NotifyUser
Listener = Callable[[Event], None]


class EventBus:
    """Synchronous fan-out; listeners must not block (they queue frames)."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)
