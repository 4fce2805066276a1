"""Hands out personal links: one signed link per person, by direct message only.

Used by the handlers and by the reminders, so it depends on the ports, not on a Context.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.config import Settings
from bot.i18n import N_, Catalogs, Translator
from bot.models import Message, User
from bot.ports import ChatPort, Clock
from bot.ports.meetings import MEETING_PORT, Attendee, MeetingPort, MeetingRole
from bot.services import Services
from bot.store.repositories import Preferences
from commands.reunion import texts
from commands.reunion.policy import link_expiry
from commands.reunion.settings import MeetingSettings
from commands.reunion.store import Meeting, Meetings

log = logging.getLogger(__name__)
BOT_ROLE = "bot"


@dataclass
class MeetingDesk:
    chat: ChatPort
    store: Meetings
    catalogs: Catalogs
    preferences: Preferences
    services: Services
    clock: Clock
    settings: Settings

    @property
    def jitsi(self) -> MeetingPort:
        return self.services.get(MEETING_PORT)

    @property
    def configured(self) -> bool:
        return self.services.optional(MEETING_PORT) is not None

    async def translator(self, user_id: str) -> Translator:
        return self.catalogs.get(await self.preferences.locale(user_id))

    async def members(self, room_id: str) -> list[User]:
        """The people of a room, without the bots."""
        return [
            user
            for user in await self.chat.room_members(room_id)
            if user.username != self.chat.bot_username and BOT_ROLE not in user.roles
        ]

    async def may_join(self, meeting: Meeting, user: User) -> bool:
        if user.id == meeting.organizer_id:
            return True
        return await self.chat.is_member(meeting.chat_room_id, user)

    def proactive(self, member_count: int) -> bool:
        return member_count <= self.services.get(MeetingSettings).proactive_dm_max_members

    async def send_link(
        self, meeting: Meeting, user: User, *, key: str, reminder: bool = False
    ) -> None:
        role = MeetingRole.ORGANIZER if user.id == meeting.organizer_id else MeetingRole.MEMBER
        t = await self.translator(user.id)
        now = self.clock.now()
        link = self.jitsi.personal_link(
            meeting.room_name,
            subject=meeting.title,
            language=t.language,
            attendee=Attendee(role, user.label, user.id, user.username),
            now=now,
            expires_at=link_expiry(meeting, now, role),
        )
        text = texts.personal_message(
            t,
            meeting,
            link,
            role=role,
            capabilities=self.jitsi.capabilities,
            tz=self.settings.tz,
            reminder=reminder,
        )
        await self.chat.send_direct(user.username, Message(text=text, idempotency_key=key))

    async def send_guest_link(self, meeting: Meeting, organizer: User, *, key: str) -> None:
        """The fallback of servers without a guest domain: a lobby-bound guest token, to the
        organizer only, who forwards it to the guest (without a guest VirtualHost, Prosody
        refuses tokenless users: jitsi-meet resources/prosody-plugins/token/util.lib.lua)."""
        t = await self.translator(organizer.id)
        now = self.clock.now()
        link = self.jitsi.personal_link(
            meeting.room_name,
            subject=meeting.title,
            language=t.language,
            # No guest name is typed with /reunion: the display name says only what they are.
            attendee=Attendee(MeetingRole.GUEST, t.t(N_("Guest"))),
            now=now,
            expires_at=link_expiry(meeting, now, MeetingRole.GUEST),
        )
        text = texts.guest_message(t, meeting, link, self.settings.tz)
        await self.chat.send_direct(organizer.username, Message(text=text, idempotency_key=key))

    async def hand_out(
        self, meeting: Meeting, organizer: User, *, key: str, reminder: bool = False
    ) -> bool:
        """Links for every member of a small room, for the organizer only in a big one.
        True when every member got theirs."""
        members = await self.members(meeting.chat_room_id)
        proactive = self.proactive(len(members))
        recipients = [organizer]
        if proactive:
            recipients += [m for m in members if m.id != organizer.id]
        for user in recipients:
            try:
                await self.send_link(
                    meeting, user, key=f"{key}:{user.username}", reminder=reminder
                )
            except Exception:  # one failed direct message must not deprive the others
                log.exception(
                    "personal link not delivered", extra={"meeting": meeting.id, "user": user.id}
                )
        if meeting.external and not self.jitsi.capabilities.guest_domain:
            await self.send_guest_link(meeting, organizer, key=f"{key}:guest")
        return proactive
