"""The rooms the bot belongs to, from rooms/get, rooms-changed and subscriptions-changed,
refreshed on a miss."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.models import Room
from integrations.rocketchat.wire import parse_timestamp, room_from_raw

REFRESH_MIN_INTERVAL_SECONDS = 30.0
Fetch = Callable[[], Awaitable[list[dict[str, Any]]]]


class RoomCache:
    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._rooms: dict[str, Room] = {}
        self._last_message: dict[str, datetime] = {}
        self._refreshed_at = 0.0

    def replace(self, raw_rooms: list[dict[str, Any]]) -> None:
        self._rooms = {}
        for raw in raw_rooms:
            self.upsert(raw)
        self._refreshed_at = time.monotonic()

    def upsert(self, raw: dict[str, Any]) -> None:
        if "_id" not in raw:
            return
        room = room_from_raw(raw)
        self._rooms[room.id] = room
        if raw.get("lm"):
            self._last_message[room.id] = parse_timestamp(raw["lm"])

    def remove(self, room_id: str) -> None:
        self._rooms.pop(room_id, None)

    def changed(self, action: str, raw: dict[str, Any]) -> None:
        if action == "removed":
            self.remove(str(raw.get("_id")))
        else:
            self.upsert(raw)

    def subscription_changed(self, action: str, raw: dict[str, Any]) -> None:
        """A removed subscription is the only sign of being kicked or leaving (Rocket.Chat 7.x
        apps/meteor/server/modules/listeners/listeners.module.ts `subscriptions-changed`)."""
        if action == "removed" and raw.get("rid"):
            self.remove(str(raw["rid"]))

    def get(self, room_id: str) -> Room | None:
        return self._rooms.get(room_id)

    async def lookup(self, room_id: str) -> Room | None:
        """The room if the bot is in it; one refresh at most every 30 s on a miss."""
        room = self._rooms.get(room_id)
        if room is None and time.monotonic() - self._refreshed_at > REFRESH_MIN_INTERVAL_SECONDS:
            self.replace(await self._fetch())
            room = self._rooms.get(room_id)
        return room

    def active_since(self, since: datetime) -> list[Room]:
        """Rooms with a message after `since` (or of unknown activity), for catch-up."""
        return [
            room
            for room_id, room in self._rooms.items()
            if room_id not in self._last_message or self._last_message[room_id] >= since
        ]

    def by_name(self, name: str) -> Room | None:
        return next((r for r in self._rooms.values() if r.name == name), None)
