"""What /digest does for a person or a room, shared by its commands and the role defaults."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.config import Settings
from bot.digest import DigestSections, Recipient
from bot.i18n import Translator
from bot.models import User
from bot.ports import Clock
from commands.digest import texts
from commands.digest.compose import Composer
from commands.digest.run import DigestRunner, spread
from commands.digest.schedule import Schedule, zone_for, zone_name, zone_named
from commands.digest.store import Subscription, Subscriptions, Wanted, room_target, user_target


@dataclass
class DigestDesk:
    store: Subscriptions
    runner: DigestRunner
    sections: DigestSections
    composer: Composer
    settings: Settings
    clock: Clock

    def _times(self, schedule: Schedule, zone_key: str, subscription_id: int | None,
               now: datetime) -> tuple[datetime, datetime]:
        occurrence = schedule.occurrences(now, zone_named(zone_key))
        delay = spread(subscription_id or 0, self.runner.settings.spread_seconds)
        return occurrence, occurrence + delay

    async def subscribe_person(
        self, user: User, schedule: Schedule, *, automatic: bool = False
    ) -> Subscription:
        offset = user.utc_offset
        if offset is None:  # the chat event carries no offset; the user's record may
            known = await self.runner.chat.user(user.id)
            offset = known.utc_offset if known is not None else None
        zone = zone_name(zone_for(offset, self.settings.tz))
        return await self._subscribe(Wanted(
            target=user_target(user.id), schedule=schedule, timezone=zone,
            occurrence=self.clock.now(), due_at=self.clock.now(), user_id=user.id,
            username=user.username, roles=user.roles, automatic=automatic,
        ))

    async def subscribe_room(self, room_id: str, room_name: str,
                             schedule: Schedule) -> Subscription:
        return await self._subscribe(Wanted(
            target=room_target(room_id), schedule=schedule, timezone=self.settings.tz.key,
            occurrence=self.clock.now(), due_at=self.clock.now(), room_id=room_id,
            room_name=room_name,
        ))

    async def _subscribe(self, wanted: Wanted) -> Subscription:
        now = self.clock.now()
        existing = await self.store.get(wanted.target)
        occurrence, due = self._times(wanted.schedule, wanted.timezone,
                                      existing.id if existing else None, now)
        saved = await self.store.subscribe(
            replace(wanted, occurrence=occurrence, due_at=due)
        )
        if existing is None:  # its id is known now: its place in the spread window too
            occurrence, due = self._times(wanted.schedule, wanted.timezone, saved.id, now)
            saved = await self.store.subscribe(
                replace(wanted, occurrence=occurrence, due_at=due)
            )
        return saved

    async def preview(self, user: User, t: Translator) -> str | None:
        """The person's digest as it would be now (their settings, or the defaults)."""
        subscription = await self.store.get(user_target(user.id))
        runner, now = self.runner, self.clock.now()
        if subscription is None:
            zone = zone_for(user.utc_offset, self.settings.tz)
            schedule = Schedule.decode("daily 0,1,2,3,4,5,6 00:00")
            since, horizon = schedule.previous(now, zone), schedule.horizon(now, zone)
            off: frozenset[str] = frozenset()
        else:
            zone = subscription.zone
            since, horizon = runner.window(subscription, now, now)
            off = subscription.sections_off
        gathered = await self.composer.gather(since, now, horizon)
        rooms = await self.composer.rooms_of_people(gathered)
        recipient = Recipient(
            user_id=user.id, username=user.username, rooms=rooms.get(user.id, frozenset()),
            since=since, until=now, horizon=horizon, tz=zone, roles=user.roles,
        )
        return self.composer.render(gathered, recipient, t, off, texts.title(now, zone, t))
