"""Newcomers: the `uj` message Rocket.Chat posts in each default room a new account joins
(7.x apps/meteor/app/lib/server/functions/addUserToDefaultChannels.ts: a subscription, then
`Message.saveSystemMessage('uj', room._id, user.username, user)` unless silenced), seen by
the core as a MembershipChanged. Each person is welcomed once, and only people who arrive
after the feature was turned on."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.context import Context
from bot.events import Membership, MembershipChanged
from bot.models import User
from bot.routing import Router
from commands.accueil.settings import AccueilSettings
from commands.accueil.store import Arrivals
from commands.accueil.welcome import Welcomer

log = logging.getLogger(__name__)
router = Router()


class Activation:
    """When the welcome was first turned on, read once at start."""

    def __init__(self) -> None:
        self.at: datetime | None = None


def _never_welcomed(ctx: Context, settings: AccueilSettings, account: User) -> bool:
    ignored = {name.lower().lstrip("@") for name in settings.ignored_accounts}
    return (
        account.is_bot
        or account.username == ctx.chat.bot_username
        or account.username.lower() in ignored
    )


def _arrived_before(account: User, event: MembershipChanged, since: datetime) -> bool:
    """An account older than the feature is not new, whatever room it joins now (its creation
    date is known when the bot may read full user data, view-full-other-user-info)."""
    if event.timestamp < since:
        return True
    return account.created_at is not None and account.created_at < since


@router.on(MembershipChanged)
async def welcome_newcomer(  # noqa: PLR0913 - the event and the services it needs
    ctx: Context,
    event: MembershipChanged,
    *,
    settings: AccueilSettings,
    arrivals: Arrivals,
    activation: Activation,
    welcomer: Welcomer,
) -> None:
    if not settings.welcome or event.change is not Membership.ADDED:
        return
    rooms = {name.lower().lstrip("#") for name in settings.welcome_rooms}
    if event.room.name.lower() not in rooms:
        return
    member = event.member
    account = (await ctx.chat.user(member.id) if member.id else None) or member
    if _never_welcomed(ctx, settings, account) or not account.id:
        return
    since = activation.at or await arrivals.activated_at(ctx.clock.now())
    if _arrived_before(account, event, since):
        return
    if not await arrivals.claim(account.id, account.username, ctx.clock.now()):
        return  # welcomed already (another default room, a replay, a restart)
    try:
        await welcomer.send(account, key=f"welcome:{account.id}")
    except Exception:
        await arrivals.release(account.id)
        raise
    log.info("newcomer welcomed", extra={"username": account.username})
