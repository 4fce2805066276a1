"""The admins' default: everyone with one of the configured roles gets the default digest,
once; whoever changes or stops theirs keeps their choice (the row stays when stopped)."""

from __future__ import annotations

import logging

from bot.ports import ChatPort
from commands.digest import parse
from commands.digest.desk import DigestDesk
from commands.digest.settings import DigestSettings
from commands.digest.store import Subscriptions, user_target

log = logging.getLogger(__name__)
ENROL_SECONDS = 3600  # new holders of the roles are subscribed within the hour


class RoleEnrolment:
    def __init__(self, desk: DigestDesk, store: Subscriptions, chat: ChatPort,
                 settings: DigestSettings) -> None:
        self._desk, self._store, self._chat, self._settings = desk, store, chat, settings

    async def run(self) -> int:
        """Subscribes the holders of the roles not known yet; how many were."""
        if not self._settings.roles:
            return 0
        desk = self._desk
        schedule = parse.schedule(self._settings.default_schedule, desk.clock.now(),
                                  desk.settings.tz)
        known = await self._store.known_targets()
        added = 0
        for role in self._settings.roles:
            try:
                holders = await self._chat.users_with_role(role)
            except Exception:  # the chat refused (a missing permission): say so, go on
                log.exception("digest: cannot list the holders of a role", extra={"role": role})
                continue
            for user in holders:
                if user_target(user.id) in known:
                    continue
                await desk.subscribe_person(user, schedule, automatic=True)
                known.add(user_target(user.id))
                added += 1
        if added:
            log.info("digest: people subscribed by their role", extra={"count": added})
        return added
