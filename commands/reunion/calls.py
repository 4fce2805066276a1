"""The call button answered by the bot as the chat's video provider (the companion app).

The call's own message in the room, with its join button, is the announcement: the bot only
records the meeting and answers each joiner with their link, checking membership first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.i18n import N_
from bot.models import RoomType, User
from bot.ports.calls import CallRequest, UnknownCall
from bot.ports.meetings import Attendee, MeetingRole
from commands.reunion import texts
from commands.reunion.desk import MeetingDesk
from commands.reunion.policy import is_over, link_expiry
from commands.reunion.request import DEFAULT_DURATION
from commands.reunion.store import Meeting, NewMeeting

log = logging.getLogger(__name__)


@dataclass
class CallDesk:
    desk: MeetingDesk

    async def open_call(self, call: CallRequest) -> str:
        meeting = await self.desk.store.by_call_id(call.call_id)
        if meeting is None:
            meeting = await self._record(call)
        return await self._public_url(meeting, call.organizer.id)

    async def _record(self, call: CallRequest) -> Meeting:
        jitsi, now = self.desk.jitsi, self.desk.clock.now()
        title = texts.clean_title(call.title) or await self._default_title(call)
        meeting = await self.desk.store.add(
            NewMeeting(
                room_name=jitsi.call_room_name(call.call_id, title),
                title=title,
                organizer_id=call.organizer.id,
                organizer_username=call.organizer.username,
                chat_room_id=call.room.id,
                starts_at=now,
                ends_at=now + DEFAULT_DURATION,
                scheduled=False,
                external=False,
                call_id=call.call_id,
            )
        )
        log.info("meeting created for a call", extra={"meeting": meeting.id})
        return meeting

    async def _default_title(self, call: CallRequest) -> str:
        t = await self.desk.translator(call.organizer.id)
        if call.room.type is RoomType.DIRECT:
            return texts.clean_title(t.t(N_("Video call of {name}"), name=call.organizer.label))
        return t.t(N_("Video call in #{room}"), room=call.room.name)

    async def _public_url(self, meeting: Meeting, user_id: str) -> str:
        language = (await self.desk.translator(user_id)).language
        return self.desk.jitsi.public_url(meeting.room_name, subject=meeting.title,
                                          language=language)

    async def join_link(self, call_id: str, user: User | None) -> str:
        meeting = await self.desk.store.by_call_id(call_id)
        if meeting is None:
            raise UnknownCall(call_id)
        now = self.desk.clock.now()
        trusted = user is not None and await self.desk.may_join(meeting, user)
        if user is None or not trusted or meeting.cancelled or is_over(meeting, now):
            # No token: an outsider (or a late comer) knocks at the lobby.
            return await self._public_url(meeting, user.id if user else "")
        role = MeetingRole.ORGANIZER if user.id == meeting.organizer_id else MeetingRole.MEMBER
        t = await self.desk.translator(user.id)
        link = self.desk.jitsi.personal_link(
            meeting.room_name,
            subject=meeting.title,
            language=t.language,
            attendee=Attendee(role, user.label, user.id, user.username),
            now=now,
            expires_at=link_expiry(meeting, now, role),
        )
        return link.url
