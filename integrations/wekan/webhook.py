"""Wekan's outgoing webhooks into the bot (wekan/wekan v11.07 server/notifications/outgoing.js).

The token is a shared secret sent in clear in `X-Wekan-Token`: compared in constant time,
and a call without it changes nothing. Wekan wants a 200 at once and never retries, so the
event is handed to a durable inbox and told to the rooms in the background. Only ids and
names are read from the payload, never the translated `text`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.ports.boards import BoardEvent, CardChange

log = logging.getLogger(__name__)
TOKEN_HEADER = "X-Wekan-Token"
EventHandler = Callable[[BoardEvent], Awaitable[None]]

_KINDS = {
    "act-createCard": CardChange.CREATED,
    "act-moveCard": CardChange.MOVED,
    "act-addComment": CardChange.COMMENTED,
    "act-a-dueAt": CardChange.DUE_CHANGED,
    "act-archivedCard": CardChange.ARCHIVED,
}


def _text(payload: dict[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return value if isinstance(value, str) and value else None


def parse_payload(payload: object) -> BoardEvent | None:
    """The event of a one-way payload, or None for activities the rooms are not told."""
    if not isinstance(payload, dict):
        return None
    kind = _KINDS.get(str(payload.get("description", "")))
    board_id, card_id = _text(payload, "boardId"), _text(payload, "cardId")
    if kind is None or board_id is None or card_id is None:
        return None
    # No delivery id exists: the same activity sent twice has the same body.
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return BoardEvent(
        kind=kind,
        board_id=board_id,
        card_id=card_id,
        actor_username=_text(payload, "username"),
        actor_name=_text(payload, "user"),
        list_id=_text(payload, "listId"),
        old_list_id=_text(payload, "oldListId"),
        comment=_text(payload, "comment"),
        key=hashlib.sha256(canonical).hexdigest(),
    )


class WekanWebhook:
    """The aiohttp handler of `POST /hooks/wekan`: authenticates, then hands the event over."""

    def __init__(self, token: str | None, accept: EventHandler) -> None:
        self._token = token.encode() if token else None
        # Must be quick and durable: Wekan waits for the answer and never sends it again.
        self.accept = accept
        # Wekan sends each activity on its own, without a timestamp: arrival order is all there
        # is, and asyncio's lock is FIFO, so events are kept in the order their calls came in.
        self._arrival = asyncio.Lock()

    def authentic(self, request: web.Request) -> bool:
        given = request.headers.get(TOKEN_HEADER, "").encode()
        return self._token is not None and hmac.compare_digest(given, self._token)

    async def receive(self, request: web.Request) -> web.Response:
        if not self.authentic(request):
            log.warning("wekan webhook refused: bad or missing token")
            return web.json_response({"error": "unauthorized"}, status=401)
        async with self._arrival:
            try:
                payload = await request.json()
            except ValueError:
                return web.json_response({"error": "invalid JSON"}, status=400)
            event = parse_payload(payload)
            if event is not None:
                try:
                    await self.accept(event)
                except Exception:  # the store is down: say so rather than pretend
                    log.exception("wekan event not kept", extra={"board": event.board_id})
                    return web.json_response({"error": "unavailable"}, status=503)
        return web.json_response({"ok": True})
