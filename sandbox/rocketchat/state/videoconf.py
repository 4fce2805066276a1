"""Video conferences started with the call button (Rocket.Chat 7.x).

Source: server/services/video-conference/service.ts (7.x) `start`, `startGroup`,
`startDirect`, `createMessage`, `join`.
"""

from __future__ import annotations

from typing import Any

from sandbox.rocketchat.errors import MeteorError, Unauthorized
from sandbox.rocketchat.state.events import NotifyRoom, NotifyUser
from sandbox.rocketchat.state.messages import system_message
from sandbox.rocketchat.state.models import Room, User, VideoConference
from sandbox.rocketchat.state.store import Store

JITSI_BASE = "https://meet.sandbox.invalid/RocketChat"


def start(store: Store, user: User, room: Room, title: str | None = None) -> VideoConference:
    provider = store.settings.get("VideoConf_Default_Provider")
    if not provider:
        raise MeteorError("no-videoconf-provider-app", "no-videoconf-provider-app")
    if not store.has_permission(user, "call-management", room.id):
        raise Unauthorized()
    if user.id not in room.members:
        raise MeteorError("error-not-allowed", "Not allowed")
    call_id = store.ids.meteor_id()
    call = VideoConference(id=call_id, type="direct" if room.t == "d" else "videoconference",
                           rid=room.id, created_by=user, created_at=store.now(),
                           title=title or room.name, provider_name=provider,
                           url=f"{JITSI_BASE}{call_id}")
    store.calls[call_id] = call
    block = {"type": "video_conf", "blockId": call_id, "callId": call_id,
             "appId": "videoconf-core"}
    message = system_message(store, room, user, "videoconf", "", blocks=[block])
    call.message_id = message["_id"]
    if call.type == "direct":
        for uid in room.members:
            if uid != user.id:
                params = {"callId": call_id, "uid": user.id, "rid": room.id}
                store.bus.emit(NotifyUser(uid, "video-conference",
                                          [{"action": "call", "params": params}]))
    store.bus.emit(NotifyRoom(room.id, "videoconf", [call_id]))
    return call


def start_response(call: VideoConference, room: Room) -> dict[str, Any]:
    data: dict[str, Any] = {"type": call.type, "callId": call.id,
                            "providerName": call.provider_name}
    if call.type == "direct":
        data["calleeId"] = next((uid for uid in room.members if uid != call.created_by.id), None)
    else:
        data["rid"] = room.id
    return data


def get(store: Store, call_id: str) -> VideoConference:
    call = store.calls.get(call_id)
    if call is None:
        raise MeteorError("invalid-call", "Invalid call")
    return call


def join(store: Store, user: User, call_id: str) -> str:
    call = get(store, call_id)
    if call.status > 1:
        raise MeteorError("call-ended", "Call has ended")
    if all(entry["_id"] != user.id for entry in call.users):
        call.users.append({"_id": user.id, "username": user.username, "name": user.name,
                           "ts": store.now()})
        store.bus.emit(NotifyRoom(call.rid, "videoconf", [call.id]))
    return f"{call.url}#config.prejoinPageEnabled=false"


def cancel(store: Store, call_id: str) -> None:
    call = get(store, call_id)
    call.status = 4 if call.type == "direct" else 3
    store.bus.emit(NotifyRoom(call.rid, "videoconf", [call.id]))
