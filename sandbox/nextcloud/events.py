"""Node events for webhook_listeners: listeners, filters, queue and delivery.

Delivery mirrors nc30 apps/webhook_listeners/lib/BackgroundJobs/WebhookCall.php: the JSON
payload as body, `User-Agent: Nextcloud Server Crawler`, `authData` headers merged when
`authMethod` is `header`; nothing is sent before a "cron run" (`WebhookRegistry.run`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from .tree import Node

NODE_EVENTS = "OCP\\Files\\Events\\Node\\"
COMPATIBLE = {NODE_EVENTS + name for name in (
    "NodeCreatedEvent", "NodeWrittenEvent", "NodeDeletedEvent", "NodeRenamedEvent",
    "NodeCopiedEvent", "NodeTouchedEvent", "NodeRestoredEvent", "BeforeNodeCreatedEvent",
    "BeforeNodeWrittenEvent", "BeforeNodeDeletedEvent", "BeforeNodeRenamedEvent",
    "BeforeNodeCopiedEvent", "BeforeNodeTouchedEvent", "BeforeNodeRestoredEvent",
    "BeforeNodeReadEvent")}


NodeRef = Node | dict[str, Any]


@dataclass
class Listener:
    id: int
    user_id: str
    http_method: str
    uri: str
    event: str
    event_filter: dict[str, Any]
    user_id_filter: str
    headers: dict[str, str] | None
    auth_method: str
    auth_data: dict[str, str] | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "appId": None, "userId": self.user_id,
                "httpMethod": self.http_method, "uri": self.uri, "event": self.event,
                "eventFilter": self.event_filter, "userIdFilter": self.user_id_filter,
                "headers": self.headers, "authMethod": self.auth_method,
                # stored encrypted on the real server; never shown in clear
                "authData": "encrypted:" + "x" * 32 if self.auth_data else None}


@dataclass
class WebhookRegistry:
    listeners: dict[int, Listener] = field(default_factory=dict)
    queue: list[tuple[Listener, dict[str, Any]]] = field(default_factory=list)
    next_id: int = 1

    def emit(self, event: str, user: str, display_name: str,
             nodes: dict[str, NodeRef]) -> None:
        """Queue a node event for every matching listener (sent at the next cron run)."""
        refs = {k: n if isinstance(n, dict) else node_ref(n) for k, n in nodes.items()}
        payload: dict[str, Any] = {
            "event": {**refs,
                      "class": NODE_EVENTS + event},
            "user": {"uid": user, "displayName": display_name},
            "time": int(datetime.now(UTC).timestamp()),
        }
        for listener in self.listeners.values():
            # A listener with userIdFilter did not fire for basic-auth DAV uploads [run].
            if listener.event == NODE_EVENTS + event and not listener.user_id_filter \
                    and _matches(listener.event_filter, payload):
                self.queue.append((listener, payload))

    async def run(self) -> list[dict[str, Any]]:
        """Deliver everything queued, like `occ background-job:worker` would."""
        results: list[dict[str, Any]] = []
        pending, self.queue = self.queue, []
        async with aiohttp.ClientSession() as session:
            for listener, payload in pending:
                headers = {"User-Agent": "Nextcloud Server Crawler", **(listener.headers or {})}
                if listener.auth_method == "header":
                    headers.update(listener.auth_data or {})
                try:
                    async with session.request(listener.http_method, listener.uri,
                                               data=json.dumps(payload).encode(),
                                               headers=headers) as resp:
                        results.append({"uri": listener.uri, "status": resp.status})
                except aiohttp.ClientError as exc:
                    results.append({"uri": listener.uri, "error": str(exc)})
        return results


def node_ref(node: Node) -> dict[str, Any]:
    return {"id": node.fileid, "path": f"/{node.owner}/files/{node.path}"}


def _lookup(payload: dict[str, Any], dotted: str) -> Any:
    value: Any = payload
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _php_regex(pattern: str) -> re.Pattern[str]:
    """PHPMongoQuery takes PCRE with delimiters: '/^\\/bot\\//i'."""
    if len(pattern) > 1 and pattern[0] == "/" and pattern.rfind("/") > 0:
        body, flags = pattern[1:pattern.rfind("/")], pattern[pattern.rfind("/") + 1:]
        return re.compile(body.replace("\\/", "/"), re.IGNORECASE if "i" in flags else 0)
    return re.compile(pattern)


def _matches(event_filter: dict[str, Any], payload: dict[str, Any]) -> bool:
    for key, expected in event_filter.items():
        actual = _lookup(payload, key)
        if isinstance(expected, dict):
            if "$regex" in expected and not _php_regex(str(expected["$regex"])).search(
                    str(actual)):
                return False
            if "$eq" in expected and actual != expected["$eq"]:
                return False
            if "$ne" in expected and actual == expected["$ne"]:
                return False
            if "$in" in expected and actual not in expected["$in"]:
                return False
        elif actual != expected:
            return False
    return True


