"""Outgoing webhooks: the one-way payload, delivery, and the integrations routes.

Sources: W server/notifications/outgoing.js, server/models/activities.js,
server/models/integrations.js.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from yarl import URL

from .auth import STORE_KEY, check_board, read_body
from .documents import integration_doc
from .errors import json_result, meteor_200
from .i18n import translate
from .ids import iso, meteor_id
from .models import Activity, Integration
from .ssrf import GuardError, pinned_address, refusal
from .store import GLOBAL_WEBHOOK_ID, WekanStore

routes = web.RouteTableDef()

log = logging.getLogger(__name__)

# WEBHOOKS_ATTRIBUTES default list, in W's order; `description` always comes last.
ATTRIBUTES = ("cardId", "listId", "oldListId", "boardId", "comment", "user", "username", "card",
              "commentId", "swimlaneId", "customField", "customFieldValue", "labelId", "label",
              "attachmentId")
_QUOTED = ("card", "list", "oldList", "board", "oldBoard", "comment", "swimlane",
           "oldSwimlane", "label")


@dataclass
class Delivery:
    url: str
    headers: dict[str, str]
    payload: dict[str, Any]
    status: int | None = None
    error: str | None = None


def activity_params(store: WekanStore, activity: Activity, root_url: str) -> dict[str, str]:
    """The params `Activities.after.insert` builds (only the ones the payload can use)."""
    params: dict[str, str] = {}
    user = store.users.get(activity.user_id)
    if user:
        params.update(user=user.display_name, username=user.username, userId=user.id)
    board = store.boards.get(activity.board_id)
    if board:
        params.update(board=board.title, boardId=board.id,
                      url=f"{root_url}/b/{board.id}/{board.slug}")
    for key, list_id in (("list", activity.list_id), ("oldList", activity.old_list_id)):
        found = store.lists.get(list_id or "")
        if found:
            params.update({key: found.title, f"{key}Id": found.id})
    card = store.cards.get(activity.card_id or "")
    if card:
        slug = board.slug if board else "board"
        params.update(card=card.title or "", cardId=card.id,
                      url=f"{root_url}/b/{card.board_id}/{slug}/{card.id}")
    for key, lane_id in (("swimlane", activity.swimlane_id),
                         ("oldSwimlane", activity.old_swimlane_id)):
        lane = store.swimlanes.get(lane_id or "")
        if lane_id:
            params.update({key: lane.title if lane else "", f"{key}Id": lane_id})
    comment = store.comments.get(activity.comment_id or "")
    if comment:
        params.update(comment=comment.text, commentId=comment.id)
    for key, moment in (("timeValue", activity.time_value),
                        ("timeOldValue", activity.time_old_value)):
        if moment:
            params[key] = iso(moment)
    return params


def one_way_payload(store: WekanStore, activity: Activity, root_url: str) -> dict[str, Any]:
    params = activity_params(store, activity, root_url)
    description = f"act-{activity.activity_type}"
    quoted = {k: (f'"{v}"' if k in _QUOTED and v else v) for k, v in params.items()}
    user = store.users.get(activity.user_id)
    sentence = translate(description, quoted, user.language if user else "en")
    payload: dict[str, Any] = {
        "text": f"{params.get('user', '')} {sentence}\n{params.get('url', '')}"
    }
    payload.update({key: params[key] for key in ATTRIBUTES if params.get(key)})
    payload["description"] = description
    return payload


@dataclass
class Dispatcher:
    """Delivers UI-originated activities: one attempt, no retry, no redirects, no queue."""

    store: WekanStore
    root_url: str = ""
    session: aiohttp.ClientSession | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    pending: set[asyncio.Task[None]] = field(default_factory=set)

    def __call__(self, activity: Activity) -> None:
        if not activity.from_ui:
            return  # REST handlers run without a DDP user: W sends nothing
        for hook in self._hooks_for(activity):
            if self._caller_may_deliver(hook, activity.user_id):
                self._deliver(hook, one_way_payload(self.store, activity, self.root_url))

    def _hooks_for(self, activity: Activity) -> list[Integration]:
        wanted = {f"act-{activity.activity_type}", "all"}
        return [
            h for h in self.store.integrations.values()
            if h.board_id in (activity.board_id, GLOBAL_WEBHOOK_ID) and h.enabled
            and wanted & set(h.activities)
        ]

    def _caller_may_deliver(self, hook: Integration, user_id: str) -> bool:
        """W >= v9.35 (357de728, W server/notifications/outgoing.js): `integrationBoard =
        getBoard(storedIntegration.boardId); if (!integrationBoard ||
        !integrationBoard.hasMember(this.userId)) return;` so the acting user must be an
        active member of the hook's board, and a `_global` hook (no such board) never
        delivers. W@v7.90 only checked that an integration with that url exists."""
        if self.store.legacy:
            return True
        board = self.store.boards.get(hook.board_id)
        return board is not None and user_id in self.store.active_member_ids(board)

    def _deliver(self, hook: Integration, payload: dict[str, Any]) -> None:
        headers = {"Content-Type": "application/json"}
        if hook.token:
            headers["X-Wekan-Token"] = hook.token
        delivery = Delivery(url=hook.url, headers=headers, payload=payload)
        self.deliveries.append(delivery)
        if self.session is None:
            delivery.error = "sandbox not started"
            log.warning("webhook to %s skipped: %s", hook.url, delivery.error)
            return
        task = asyncio.get_running_loop().create_task(self._post(delivery))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def _target(self, delivery: Delivery) -> tuple[str, str | None]:
        """(url to dial, TLS server name): `fetchSafe` resolves once and dials that address
        with the original Host header (W server/lib/ssrfGuard.js `requestOnce`)."""
        if self.store.switches.allow_private_webhooks:
            return delivery.url, None  # fake-only switch: no guard, aiohttp resolves
        address = await pinned_address(delivery.url, self.store.resolver())
        parts = URL(delivery.url)
        delivery.headers["Host"] = parts.host_port_subcomponent or ""
        return str(parts.with_host(address)), parts.host

    async def _post(self, delivery: Delivery) -> None:
        assert self.session is not None
        try:
            url, server_name = await self._target(delivery)
            async with self.session.post(url, json=delivery.payload, headers=delivery.headers,
                                         server_hostname=server_name,
                                         allow_redirects=False) as response:
                delivery.status = response.status
        except GuardError as error:
            # outgoing.js: `throw new Meteor.Error('invalid-webhook-url',
            # 'Webhook request failed: ' + err.message)`; nothing is sent.
            delivery.error = f"Webhook request failed: {error}"
            log.warning("webhook to %s refused: %s", delivery.url, delivery.error)
        except (aiohttp.ClientError, TimeoutError) as error:
            delivery.error = repr(error)  # safeDeliver: logged, never retried
            log.warning("webhook to %s failed: %r", delivery.url, error)

    async def drain(self) -> None:
        if self.pending:
            await asyncio.gather(*self.pending, return_exceptions=True)


# -- integrations routes ---------------------------------------------------------------------
def _hook(store: WekanStore, board_id: str, hook_id: str) -> Integration | None:
    hook = store.integrations.get(hook_id)
    return hook if hook and hook.board_id == board_id else None


async def _url_refused(store: WekanStore, url: str) -> web.Response | None:
    if store.switches.allow_private_webhooks:
        return None
    reason = await refusal(url, store.resolver())
    if reason is None:
        return None
    return json_result({"error": "invalid-webhook-url", "reason": reason}, 400)


@routes.get("/api/boards/{boardId}/integrations")
@meteor_200
async def list_hooks(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "read")
    hooks = [h for h in store.integrations.values() if h.board_id == board.id]
    return json_result([integration_doc(h) for h in hooks])


@routes.get("/api/boards/{boardId}/integrations/{intId}")
@meteor_200
async def get_hook(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "read")
    hook = _hook(store, board.id, request.match_info["intId"])
    return json_result(integration_doc(hook) if hook else None)


@routes.post("/api/boards/{boardId}/integrations")
@meteor_200
async def create_hook(request: web.Request) -> web.Response:
    store, body = request.app[STORE_KEY], await read_body(request)
    user, board = check_board(request, request.match_info["boardId"], "admin")
    url = str(body.get("url") or "")
    refused = await _url_refused(store, url)
    if refused:
        return refused
    now = store.clock()
    hook = Integration(id=meteor_id(), board_id=board.id, url=url, user_id=user.id,
                       created_at=now, modified_at=now)
    store.integrations[hook.id] = hook
    return json_result({"_id": hook.id})


@routes.put("/api/boards/{boardId}/integrations/{intId}")
@meteor_200
async def update_hook(request: web.Request) -> web.Response:
    store, body = request.app[STORE_KEY], await read_body(request)
    _, board = check_board(request, request.match_info["boardId"], "admin")
    hook = _hook(store, board.id, request.match_info["intId"])
    if "url" in body:
        refused = await _url_refused(store, str(body["url"]))
        if refused:
            return refused
    if hook:
        _apply(hook, body)
        hook.modified_at = store.clock()
    return json_result({"_id": request.match_info["intId"]})


def _apply(hook: Integration, body: dict[str, Any]) -> None:
    if "enabled" in body:
        hook.enabled = body["enabled"] in (True, "true")
    if "title" in body:
        hook.title = str(body["title"])
    if "url" in body:
        hook.url = str(body["url"])
    if "token" in body:
        hook.token = str(body["token"])
    if isinstance(body.get("activities"), list):
        hook.activities = [str(a) for a in body["activities"]]


@routes.delete("/api/boards/{boardId}/integrations/{intId}")
@meteor_200
async def delete_hook(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "admin")
    if _hook(store, board.id, request.match_info["intId"]):
        del store.integrations[request.match_info["intId"]]
    return json_result({"_id": request.match_info["intId"]})
