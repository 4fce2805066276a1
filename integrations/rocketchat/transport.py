"""The chat port on a live Rocket.Chat: receive on DDP, act through one REST queue."""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from bot.config import BrandingSettings
from bot.errors import RoomClosed
from bot.events import FilePosted, MembershipChanged, MessagePinned, ReactionAdded
from bot.models import ChatEvent, FileRef, Message, Room, RoomRole, RoomType, User
from bot.ports import EventSink, ResumeFrom
from bot.ports.chat import RoomNameTaken
from integrations.rocketchat.errors import RocketChatError, RocketChatUnavailable
from integrations.rocketchat.outbound import OutboundQueue
from integrations.rocketchat.profile import BotProfile
from integrations.rocketchat.realtime import RealtimeSession, SessionLost, TokenRefused
from integrations.rocketchat.rest import RestClient
from integrations.rocketchat.rooms import RoomCache
from integrations.rocketchat.settings import RocketChatSettings
from integrations.rocketchat.wire import (
    event_from_raw,
    is_actionable,
    membership_of,
    message_id_for,
    message_payload,
    parse_timestamp,
    pin_of,
    reactions_of,
    room_from_raw,
    room_roles_of,
    updated_at,
    user_from_raw,
)

log = logging.getLogger(__name__)
MEMBERS_PAGE = 100
CONFIRM_SETTLE_SECONDS = 5.0
CLOCK_SKEW_MARGIN = timedelta(minutes=5)
# A live message is stamped by the server's clock: with catch-up off (window 0), still accept
# what the two clocks may disagree on.
LIVE_MIN_WINDOW = CLOCK_SKEW_MARGIN
REMEMBERED_UPLOADS = 500
# Message ids this transport handed on (a few minutes of a busy chat): a message comes back on
# the stream each time it changes (a thread reply, a reaction), and the bot's own thread reply
# would bring every command back once.
REMEMBERED_DELIVERED = 4096
T = TypeVar("T")


@dataclass
class _Staged:
    """A file sent with rooms.media, and when its confirm was first and last sent."""

    file_id: str
    first_try: datetime | None = None
    last_try: float = 0.0


# Refusals meaning "this room takes no message from the bot", not "this message is wrong":
# validateRoomMessagePermissionsAsync (RC authorization/server/functions/canSendMessage.ts).
ROOM_CLOSED_SIGNS = ("room is readonly", "error-room-archived", "You_have_been_muted")


def _room_closed(exc: RocketChatError) -> bool:
    said = f"{exc.error_type} {exc.message}"
    return exc.status == 400 and any(sign in said for sign in ROOM_CLOSED_SIGNS)


def _remember(
    memo: OrderedDict[str, T], key: str, value: T, *, keep: int = REMEMBERED_UPLOADS
) -> None:
    memo[key] = value
    memo.move_to_end(key)
    while len(memo) > keep:
        memo.popitem(last=False)


STABLE_SESSION_SECONDS = 30.0
# Events are read before their room is looked up (most frames are no event at all).
_UNKNOWN_ROOM = Room("", "", RoomType.CHANNEL)


def _fields(message: ChatEvent) -> dict[str, Any]:
    """A message's own fields, to build an event about it."""
    return {f.name: getattr(message, f.name) for f in fields(ChatEvent)}


_ROOM_NAME_FORBIDDEN = re.compile(r"[^0-9a-zA-Z_.-]+")


class RocketChatTransport:
    def __init__(
        self,
        settings: RocketChatSettings,
        *,
        branding: BrandingSettings | None = None,
        backoff_base_seconds: float = 0.5,
    ) -> None:
        if settings.url is None or settings.user_id is None or settings.token is None:
            raise ValueError("ENSEMBLE_ROCKETCHAT__URL, __USER_ID and __TOKEN are required")
        self.bot_username = settings.username
        self._settings = settings
        self._url = str(settings.url).rstrip("/")
        self._user_id = settings.user_id
        self._token = settings.token.get_secret_value()
        self.rest = RestClient(
            self._url, self._user_id, self._token, timeout=settings.request_timeout_seconds
        )
        self.rooms = RoomCache(self._fetch_rooms)
        self._branding = branding or BrandingSettings()
        self._profile: BotProfile | None = BotProfile(self.rest, self._branding, self.bot_username)
        self.on_reconnect: Callable[[], object] = lambda: None
        self._was_ready = False
        self.on_queue_depth: Callable[[int], object] = lambda _depth: None
        self.on_backlog: Callable[[int], object] = lambda _depth: None
        self.on_overflow: Callable[[], object] = lambda: None
        self._outbound = OutboundQueue(self._report_depth)
        self._incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        # Set when the backlog was full: the stamp from which the stream's messages were let
        # go, to be read from history once the backlog is through.
        self._overflow_since: datetime | None = None
        self._backoff_base = backoff_base_seconds
        self._ready = False
        self._tasks: list[asyncio.Task[None]] = []
        self._session: RealtimeSession | None = None
        self._sink: EventSink | None = None
        self._resume_from: ResumeFrom | None = None
        # Set at each session's start: nothing older is answered, live or replayed.
        self._since = datetime.now(UTC)
        # Live messages wait while a session catches up, so that messages go out oldest first.
        self._caught_up = asyncio.Event()
        self._dm_rooms: dict[str, str] = {}
        # Message id → the reactions it had when last seen, to tell only the new ones.
        self._reactions: OrderedDict[str, frozenset[tuple[str, str]]] = OrderedDict()
        # Message ids whose message event went to the sink: told again, it is no new message.
        self._delivered: OrderedDict[str, None] = OrderedDict()
        # Idempotency key → message posted / file uploaded but maybe not posted yet; retries
        # come within minutes, so the most recent few hundred are enough.
        self._uploads: OrderedDict[str, str] = OrderedDict()
        self._staged: OrderedDict[str, _Staged] = OrderedDict()
        self._closed = False

    def _report_depth(self, depth: int) -> None:
        # Late-bound: the composition root sets on_queue_depth after construction.
        self.on_queue_depth(depth)

    @property
    def ready(self) -> bool:
        return self._ready

    # life cycle -----------------------------------------------------------------------------

    async def start(self, sink: EventSink, resume_from: ResumeFrom) -> None:
        # Never fails on an unreachable server: the supervisor keeps trying, /readyz says so.
        if self._closed:
            raise RocketChatUnavailable("the transport was closed")
        self._sink = sink
        self._resume_from = resume_from
        self._tasks = [
            asyncio.create_task(self._supervise(), name="rocketchat-supervisor"),
            asyncio.create_task(self._consume(), name="rocketchat-consumer"),
        ]

    async def stop(self) -> None:
        """Stops receiving and sends what is queued; sending stays open for commands in flight.

        A replica that steps down may start again later; `close` ends sending for good.
        """
        self._ready = False
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._session is not None:
            await self._session.close()
            self._session = None
        await self._outbound.stop()

    async def close(self) -> None:
        """After the commands in flight are done: sends the last replies, then closes for good."""
        await self.stop()
        self._closed = True  # no await since the queue drained: nothing can slip in
        await self.rest.close()

    async def _supervise(self) -> None:
        failures = 0
        while True:
            started = asyncio.get_running_loop().time()
            try:
                await self._one_session()
            except TokenRefused:
                log.error("Rocket.Chat refused the bot's token; check ENSEMBLE_ROCKETCHAT__TOKEN")
            except RocketChatError as exc:
                if exc.status == 401:
                    log.error(
                        "Rocket.Chat refused the bot's credentials: check "
                        "ENSEMBLE_ROCKETCHAT__USER_ID and ENSEMBLE_ROCKETCHAT__TOKEN"
                    )
                else:
                    log.warning("Rocket.Chat refused a call", extra={"reason": str(exc)[:200]})
            except (SessionLost, RocketChatUnavailable) as exc:
                log.warning("Rocket.Chat connection lost", extra={"reason": str(exc)[:200]})
            finally:
                self._ready = False
                if self._session is not None:
                    await self._session.close()
                    self._session = None
            lived = asyncio.get_running_loop().time() - started
            failures = 0 if lived > STABLE_SESSION_SECONDS else failures + 1
            await asyncio.sleep(self._backoff(failures))

    def _backoff(self, failures: int) -> float:
        ceiling = self._settings.reconnect_max_delay_seconds
        delay = min(ceiling, self._backoff_base * 2 ** max(0, failures - 1))
        return float(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter, not security

    async def _one_session(self) -> None:
        self._caught_up.clear()
        me = await self.rest.get("me")
        log.info("authenticated on Rocket.Chat", extra={"username": me.get("username")})
        if self._profile is not None:  # once a process: the account keeps what it was given
            profile, self._profile = self._profile, None
            try:
                await profile.apply(me)
            except Exception:  # the looks of the account must never keep the bot offline
                log.exception("could not apply the branding to the bot's account")
        self._since = await self._resume_point()  # before subscribing: nothing falls between
        self._session = RealtimeSession(
            self._url,
            self.bot_username,
            self._token,
            self._receive,
            on_room_change=self.rooms.changed,
            on_subscription_change=self.rooms.subscription_changed,
            open_timeout=self._settings.request_timeout_seconds,
        )
        self.rooms.replace(await self._session.open())
        self._ready = True
        log.info("Rocket.Chat realtime session ready")
        if self._was_ready:
            self.on_reconnect()  # a session back, not an attempt: operators alert on this rate
        self._was_ready = True
        await self._catch_up()
        self._caught_up.set()
        await self._session.run()

    async def _resume_point(self) -> datetime:
        assert self._resume_from is not None, "start() first"
        try:
            return await self._resume_from()
        except Exception as exc:  # the store is down: retried like a lost session
            raise SessionLost(f"cannot tell where to resume: {type(exc).__name__}") from exc

    # receiving ------------------------------------------------------------------------------

    def _receive(self, raw: dict[str, Any]) -> None:
        """A message from the stream; past the backlog's limit, it is let go and read again
        from history later, so a flood costs no more memory than the limit."""
        if self._overflow_since is None and self._incoming.qsize() < self._settings.stream_backlog:
            self._incoming.put_nowait(raw)
            self.on_backlog(self._incoming.qsize())
            return
        if self._overflow_since is None:
            self._overflow_since = updated_at(raw)
            self.on_overflow()
            log.warning("too many messages waiting: later ones will be read from history",
                        extra={"backlog": self._incoming.qsize()})

    async def _consume(self) -> None:
        while True:
            if self._overflow_since is not None and self._incoming.empty():
                await self._read_let_go()
            raw = await self._incoming.get()
            self.on_backlog(self._incoming.qsize())
            await self._caught_up.wait()
            try:
                await self._deliver(raw)
            except Exception:  # one bad frame must not stop the stream
                log.exception("could not handle an incoming message")

    async def _read_let_go(self) -> None:
        """Reads from history what the stream brought while the backlog was full. The stream
        is taken in again first: what arrives meanwhile comes twice, and the dedupe drops it."""
        let_go, self._overflow_since = self._overflow_since, None
        if let_go is None:
            return
        since = max(self._oldest(), let_go - CLOCK_SKEW_MARGIN)
        try:
            replayed = await self._replay(since)
        except Exception:  # the stream's gap must not stop the stream: a reconnection replays it
            log.exception("could not read the messages let go from history")
            if self._session is not None:
                await self._session.close()
            return
        log.info("read from history what the stream let go", extra={"messages": replayed})

    async def _deliver(self, raw: dict[str, Any]) -> None:
        if "_id" not in raw or "u" not in raw or "rid" not in raw:
            return
        # Handed on once already (the sink handles all it takes, or the process stops): a
        # change streams it again, and the dedupe would only drop it after a trip through
        # the pipeline. The change itself (a reaction, a pin) is told by _changes.
        message_id = str(raw["_id"])
        fresh = message_id not in self._delivered
        events = [*(await self._message_events(raw) if fresh else ()), *await self._changes(raw)]
        if not events:
            return
        room = await self.rooms.lookup(str(raw["rid"]))
        if room is None or self._sink is None:
            return  # a public room the bot has not joined: not for us
        if fresh:
            _remember(self._delivered, message_id, None, keep=REMEMBERED_DELIVERED)
        for event in events:
            await self._sink(replace(event, room=room))

    async def _message_events(self, raw: dict[str, Any]) -> list[ChatEvent]:
        """The message itself (a command, a call), or a membership change it tells."""
        # A reaction or a thread reply streams an old message again: too old is never answered.
        if parse_timestamp(raw.get("ts")) < self._oldest(LIVE_MIN_WINDOW):
            return []
        if is_actionable(raw, self._user_id):
            message = event_from_raw(raw, _UNKNOWN_ROOM)
            if not message.files or type(message) is not ChatEvent:
                return [message]
            return [message, FilePosted(**_fields(message))]
        membership = membership_of(raw)
        if membership is None:
            return []
        change, username = membership
        member = await self.user_by_username(username) or User("", username)
        message = event_from_raw(raw, _UNKNOWN_ROOM)
        return [MembershipChanged(**_fields(message), member=member, change=change)]

    async def _changes(self, raw: dict[str, Any]) -> list[ChatEvent]:
        """Reactions put and a pin made since this process last saw the message; whatever
        was told already before a restart, the pipeline's dedupe drops."""
        if raw.get("t") == "rm" or updated_at(raw) < self._oldest(LIVE_MIN_WINDOW):
            return []
        message_id = str(raw["_id"])
        reactions = reactions_of(raw)
        before = self._reactions.get(message_id, frozenset())
        if reactions or before:  # most messages have none: they would crowd the memory out
            _remember(self._reactions, message_id, reactions)
        added = [(emoji, username) for emoji, username in sorted(reactions - before)
                 if username != self.bot_username]
        pin = pin_of(raw)
        if pin is not None and pin[0].id == self._user_id:
            pin = None
        if not added and pin is None:  # most changes: nothing to tell, no event to build
            return []
        fields = _fields(event_from_raw(raw, _UNKNOWN_ROOM))
        found: list[ChatEvent] = []
        for emoji, username in added:
            user = await self.user_by_username(username) or User("", username)
            found.append(ReactionAdded(**{**fields, "user": user}, reaction=emoji))
        if pin is not None:
            found.append(MessagePinned(**{**fields, "user": pin[0]}, pinned_at=pin[1]))
        return found

    def _oldest(self, at_least: timedelta = timedelta(0)) -> datetime:
        """The oldest message still answered: nothing from before where this store resumes,
        nothing older than the catch-up window (a command is not answered hours late)."""
        window = max(timedelta(minutes=self._settings.catch_up_window_minutes), at_least)
        return max(self._since, datetime.now(UTC) - window)

    async def _catch_up(self) -> None:
        """Replays what was said since the resume point, oldest first across rooms, before any
        live message; the router's dedupe drops what was seen. Nothing is said about what is
        too old: the people who typed it have moved on."""
        replayed = await self._replay(self._oldest())
        if replayed:
            log.info("caught up after reconnection", extra={"messages": replayed})

    async def _replay(self, since: datetime) -> int:
        missed: list[dict[str, Any]] = []
        for room in self.rooms.active_since(since):
            body = await self.rest.get("chat.syncMessages", roomId=room.id, lastUpdate=_iso(since))
            updated = body.get("result", {}).get("updated", [])
            # Changed since (a reaction, a pin on an older message) counts too: _deliver sorts.
            missed += [raw for raw in updated if updated_at(raw) >= since]
        for raw in sorted(missed, key=updated_at):
            await self._deliver(raw)
        return len(missed)

    async def _fetch_rooms(self) -> list[dict[str, Any]]:
        body = await self.rest.get("rooms.get")
        rooms: list[dict[str, Any]] = body.get("update", [])
        return rooms

    # acting ---------------------------------------------------------------------------------

    async def send(self, room_id: str, message: Message) -> str:
        if self._closed:  # fail at once: the queue would retry for minutes
            raise RocketChatUnavailable("the transport was closed")
        post = partial(self._post, room_id, message)
        # In order within a conversation: the room's own timeline, or one thread. The answers
        # of a catch-up, each in its command's thread, go out side by side.
        conversation = f"{room_id}/{message.thread_id}" if message.thread_id else room_id
        try:
            result: str = await self._outbound.submit(post, lane=conversation)
        except RocketChatError as exc:
            if _room_closed(exc):  # a text or a file alike (mediaConfirm checks the same)
                raise RoomClosed(room_id, exc.message) from exc
            raise
        return result

    async def send_direct(self, username: str, message: Message) -> str:
        return await self.send(await self._direct_room(username), message)

    async def _post(self, room_id: str, message: Message) -> str:
        if message.upload is not None:
            return await self._upload(room_id, message)
        payload = message_payload(room_id, message, color=self._branding.color)
        try:
            body = await self.rest.post("chat.sendMessage", {"message": payload})
        except RocketChatError:
            # A retry of a send that did land is refused (the id exists; the error text varies
            # across versions): if the message is there, it was sent, once.
            if "_id" in payload and await self._exists(str(payload["_id"])):
                return str(payload["_id"])
            raise
        sent = body.get("message") or {}
        return str(sent.get("_id") or payload.get("_id", ""))

    async def _exists(self, message_id: str) -> bool:
        try:
            body = await self.rest.get("chat.getMessage", msgId=message_id)
        except RocketChatError:
            return False
        return bool(body.get("message"))

    async def _upload(self, room_id: str, message: Message) -> str:
        assert message.upload is not None
        key = message.idempotency_key
        if key is not None and key in self._uploads:
            return self._uploads[key]
        upload = message.upload
        fields = {"msg": message.text} | ({"tmid": message.thread_id} if message.thread_id else {})
        try:
            staged = self._staged.get(key) if key is not None else None
            if staged is None:  # a retried send reuses the file it already uploaded
                media = await self.rest.upload(
                    f"rooms.media/{room_id}", upload.filename, upload.content, upload.mime_type, {}
                )
                staged = _Staged(str(media["file"]["_id"]))
                if key is not None:
                    _remember(self._staged, key, staged)
            body = await self._confirm(room_id, staged, fields)
        except RocketChatError as exc:
            if exc.status != 404:
                raise
            # Before 6.10 (and on servers without rooms.media) the one-step upload is the way.
            body = await self.rest.upload(
                f"rooms.upload/{room_id}",
                upload.filename,
                upload.content,
                upload.mime_type,
                fields,
            )
        message_id = str((body.get("message") or {}).get("_id", ""))
        if key is not None:
            self._staged.pop(key, None)
            _remember(self._uploads, key, message_id)
        if message.attachments:
            await self._post(
                room_id,
                Message(
                    text="",
                    attachments=message.attachments,
                    thread_id=message.thread_id,
                    idempotency_key=f"{key}:attachments" if key else None,
                ),
            )
        return message_id

    async def _confirm(
        self, room_id: str, staged: _Staged, fields: dict[str, Any]
    ) -> dict[str, Any]:
        """rooms.mediaConfirm posts the file message each time it is called (7.x v1/rooms.ts
        runs sendFileMessage on every call), so it is never retried blindly: once a confirm
        went out, every later try (the outbound queue's retries) first looks for the message,
        and sends again only when none is found well after the first one could have landed."""
        loop = asyncio.get_running_loop()
        if staged.first_try is not None:
            landed = await self._file_message(room_id, staged)
            if landed is not None:
                return {"message": landed}
            waited = loop.time() - staged.last_try
            if waited < self._settings.request_timeout_seconds + CONFIRM_SETTLE_SECONDS:
                raise RocketChatUnavailable("waiting to see whether the file was posted")
        staged.first_try = staged.first_try or datetime.now(UTC)
        staged.last_try = loop.time()
        endpoint = f"rooms.mediaConfirm/{room_id}/{staged.file_id}"
        return await self.rest.post(endpoint, fields, retry=False)

    async def _file_message(self, room_id: str, staged: _Staged) -> dict[str, Any] | None:
        assert staged.first_try is not None
        since = staged.first_try - CLOCK_SKEW_MARGIN  # _updatedAt is the server's clock
        try:
            body = await self.rest.get("chat.syncMessages", roomId=room_id, lastUpdate=_iso(since))
        except (RocketChatUnavailable, RocketChatError) as exc:
            # Cannot tell: confirming again might post the file twice; the queue asks later.
            raise RocketChatUnavailable(f"cannot tell whether the file was posted: {exc}") from exc
        for raw in body.get("result", {}).get("updated", []):
            if (raw.get("file") or {}).get("_id") == staged.file_id:
                return dict(raw)
        return None

    async def _direct_room(self, username: str) -> str:
        if username not in self._dm_rooms:
            body = await self.rest.post("im.create", {"username": username})
            room = body.get("room", {})
            self._dm_rooms[username] = str(room.get("rid") or room.get("_id"))
        return self._dm_rooms[username]

    # lookups --------------------------------------------------------------------------------

    async def user(self, user_id: str) -> User | None:
        return await self._user(userId=user_id)

    async def user_by_username(self, username: str) -> User | None:
        return await self._user(username=username.lstrip("@"))

    async def _user(self, **query: str) -> User | None:
        try:
            body = await self.rest.get("users.info", **query)
        except RocketChatError:
            return None
        return user_from_raw(body["user"]) if body.get("user") else None

    async def room(self, room_id: str) -> Room | None:
        cached = self.rooms.get(room_id)
        return cached if cached is not None else await self._room_info(roomId=room_id)

    async def room_by_name(self, name: str) -> Room | None:
        cleaned = name.lstrip("#")
        return self.rooms.by_name(cleaned) or await self._room_info(roomName=cleaned)

    async def _room_info(self, **query: str) -> Room | None:
        try:
            body = await self.rest.get("rooms.info", **query)
        except RocketChatError:
            return None
        return room_from_raw(body["room"]) if body.get("room") else None

    async def room_members(self, room_id: str) -> list[User]:
        return await self._members(room_id)

    async def is_member(self, room_id: str, user: User) -> bool:
        # `filter` narrows the listing server side (a case-insensitive match on username or
        # name, RC server/lib/findUsersOfRoom.ts): one call instead of paging a big room.
        found = await self._members(room_id, filter=user.username)
        return any(member.id == user.id for member in found)

    async def _members(self, room_id: str, **narrowing: str) -> list[User]:
        room = await self.room(room_id)
        endpoint = {
            RoomType.PRIVATE: "groups.members",
            RoomType.DIRECT: "im.members",
        }.get(room.type if room else RoomType.CHANNEL, "channels.members")
        members: list[User] = []
        while True:
            body = await self.rest.get(
                endpoint, roomId=room_id, offset=len(members), count=MEMBERS_PAGE, **narrowing
            )
            page = body.get("members", [])
            members += [user_from_raw(raw) for raw in page]
            if not page or len(members) >= int(body.get("total", len(members))):
                return members

    async def users_with_role(self, role: str) -> list[User]:
        """`roles.getUsersInRole` (7.x v1/roles.ts), which needs `access-permissions`."""
        users: list[User] = []
        while True:
            body = await self.rest.get(
                "roles.getUsersInRole", role=role, offset=len(users), count=MEMBERS_PAGE
            )
            page = body.get("users", [])
            users += [replace(user_from_raw(raw), roles=frozenset({role})) for raw in page]
            if not page or len(users) >= int(body.get("total", len(users))):
                return users

    async def room_roles(self, room_id: str, user_id: str) -> frozenset[RoomRole]:
        room = await self.room(room_id)
        if room is None or room.type is RoomType.DIRECT:
            return frozenset()
        endpoint = "groups.roles" if room.type is RoomType.PRIVATE else "channels.roles"
        try:
            body = await self.rest.get(endpoint, roomId=room_id)
        except RocketChatError:
            return frozenset()
        for entry in body.get("roles", []):
            if entry.get("u", {}).get("_id") == user_id:
                return room_roles_of(entry.get("roles") or ())
        return frozenset()

    async def message(self, message_id: str) -> ChatEvent | None:
        try:
            body = await self.rest.get("chat.getMessage", msgId=message_id)
        except RocketChatError:
            return None
        raw = body.get("message")
        if not raw:
            return None
        room = await self.room(str(raw["rid"]))
        return event_from_raw(raw, room) if room else None

    async def download(self, file: FileRef) -> bytes:
        return await self.rest.download(file.url)

    async def delete_message(self, room_id: str, message_id: str) -> bool:
        try:
            await self.rest.post("chat.delete", {"roomId": room_id, "msgId": message_id})
        except RocketChatError as exc:
            log.info("message not deleted", extra={"reason": exc.error_type or exc.message})
            return False
        return True

    async def update_message(self, room_id: str, message_id: str, text: str) -> None:
        # In the room's lane: an edit never overtakes the message it edits.
        update = partial(self.rest.post, "chat.update",
                         {"roomId": room_id, "msgId": message_id, "text": text})
        await self._outbound.submit(update, lane=room_id)

    async def pin_message(self, message_id: str) -> None:
        await self.rest.post("chat.pinMessage", {"messageId": message_id})

    # private rooms --------------------------------------------------------------------------

    async def create_private_room(self, name: str, members: list[str]) -> Room:
        slug = _ROOM_NAME_FORBIDDEN.sub("-", name).strip("-") or "salon"
        try:
            body = await self.rest.post("groups.create", {"name": slug, "members": members})
        except RocketChatError as exc:
            if exc.error_type == "error-duplicate-channel-name":  # getValidRoomName
                raise RoomNameTaken(slug) from exc
            raise
        room = room_from_raw(body["group"])
        self.rooms.upsert(body["group"])
        return room

    async def invite(self, room_id: str, user_id: str) -> None:
        await self.rest.post("groups.invite", {"roomId": room_id, "userId": user_id})

    async def kick(self, room_id: str, user_id: str) -> None:
        await self.rest.post("groups.kick", {"roomId": room_id, "userId": user_id})

    async def set_topic(self, room_id: str, topic: str) -> None:
        await self.rest.post("groups.setTopic", {"roomId": room_id, "topic": topic})

    async def archive(self, room_id: str) -> None:
        await self.rest.post("groups.archive", {"roomId": room_id})


__all__ = ["RocketChatTransport", "message_id_for"]


def _iso(moment: datetime) -> str:
    # Rocket.Chat's own clients send JavaScript's Date.toISOString(): milliseconds and "Z".
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{moment.microsecond // 1000:03d}Z"
    )
