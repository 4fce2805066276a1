"""/digest (/resume): a person's (or a room's) scheduled digest."""

from __future__ import annotations

from bot.context import Context
from bot.digest import DigestSections
from bot.errors import ArgumentError, PermissionDenied
from bot.i18n import N_
from bot.models import ROOM_MANAGERS, Message, RoomType
from bot.routing import Router, argument
from commands.digest import parse, texts
from commands.digest.desk import DigestDesk
from commands.digest.schedule import Schedule
from commands.digest.store import Subscription, Subscriptions, room_target, user_target

router = Router()
WHEN = N_("when")


def _sections(sections: DigestSections, subscription: Subscription | None, ctx: Context) -> str:
    off = subscription.sections_off if subscription else frozenset()
    names = [s.name for s in sections.all() if s.name not in off]
    return ", ".join(names) if names else ctx.t("none")


def _summary(ctx: Context, subscription: Subscription, sections: DigestSections) -> str:
    return ctx.t(
        "Your digest comes {schedule} ({zone}); sections: {sections}. Next one: {next}.",
        schedule=texts.describe(subscription.schedule, ctx.translator),
        zone=subscription.timezone,
        sections=_sections(sections, subscription, ctx),
        next=texts.moment(subscription.occurrence, subscription.zone, ctx.translator),
    )


@router.command(
    "digest",
    aliases=("resume", "résumé"),
    help=N_("Your scheduled digest by direct message: cards due and overdue, meetings, "
            "shares, crisis cells and board events of your rooms; without argument, your "
            "settings and the next digest"),
    examples=("/digest", "/digest quotidien 08:30", "/digest hebdo lundi 9h",
              "/digest jours lun,mer,ven 8h", "/digest contenu -partages", "/digest stop"),
)
async def digest(ctx: Context, store: Subscriptions, sections: DigestSections) -> None:
    subscription = await store.get(user_target(ctx.user.id))
    if subscription is None or not subscription.active:
        await ctx.reply(ctx.t("You get no digest. Subscribe with /digest quotidien 08:30 "
                              "(or hebdo lundi 9h, jours lun,mer,ven 8h)."))
        return
    await ctx.reply(_summary(ctx, subscription, sections))


async def _subscribe(ctx: Context, desk: DigestDesk, sections: DigestSections,
                     schedule: Schedule) -> None:
    subscription = await desk.subscribe_person(ctx.user, schedule)
    await ctx.reply(_summary(ctx, subscription, sections))


@digest.subcommand(
    "quotidien", aliases=("daily",), help=N_("A digest every day at that time"),
    examples=("/digest quotidien 08:30",),
)
@argument("heure", greedy=True, metavar=N_("time"), help=N_("e.g. 08:30 or 9h"))
async def quotidien(ctx: Context, desk: DigestDesk, sections: DigestSections,
                    heure: str) -> None:
    await _subscribe(ctx, desk, sections, parse.daily(heure, ctx.clock.now(), ctx.settings.tz))


@digest.subcommand(
    "hebdo", aliases=("weekly",), help=N_("A digest once a week, on that day at that time"),
    examples=("/digest hebdo lundi 9h",),
)
@argument("quand", greedy=True, metavar=WHEN, help=N_("a day and a time, e.g. lundi 9h"))
async def hebdo(ctx: Context, desk: DigestDesk, sections: DigestSections, quand: str) -> None:
    await _subscribe(ctx, desk, sections, parse.weekly(quand, ctx.clock.now(), ctx.settings.tz))


@digest.subcommand(
    "jours", aliases=("days",), help=N_("A digest on the days given, at that time"),
    examples=("/digest jours lun,mer,ven 8h",),
)
@argument("quand", greedy=True, metavar=WHEN, help=N_("days and a time, e.g. lun,mer,ven 8h"))
async def jours(ctx: Context, desk: DigestDesk, sections: DigestSections, quand: str) -> None:
    await _subscribe(ctx, desk, sections, parse.days(quand, ctx.clock.now(), ctx.settings.tz))


@digest.subcommand(
    "maintenant", aliases=("now",), help=N_("Your digest now, by direct message (a preview)"),
)
async def maintenant(ctx: Context, desk: DigestDesk) -> None:
    text = await desk.preview(ctx.user, ctx.translator)
    if text is None:
        await ctx.reply(ctx.t("Nothing to tell you right now: your digest would be empty."))
        return
    await ctx.chat.send_direct(ctx.user.username, Message(
        text=text, idempotency_key=f"{ctx.event.message_id}:digest-preview"))
    if ctx.room.type is not RoomType.DIRECT:
        await ctx.reply(ctx.t("Your digest is in your direct messages."))


@digest.subcommand(
    "contenu", aliases=("content",),
    help=N_("Choose the sections of your digest: +name to add, -name to remove"),
    examples=("/digest contenu -partages +reunions",),
)
@argument("changements", greedy=True, metavar=N_("changes"),
          help=N_("+section or -section, as many as needed"))
async def contenu(ctx: Context, store: Subscriptions, sections: DigestSections,
                  changements: str) -> None:
    subscription = await store.get(user_target(ctx.user.id))
    if subscription is None or not subscription.active:
        raise ArgumentError(N_("Subscribe first, e.g. /digest quotidien 08:30."),
                            show_usage=False)
    off = set(subscription.sections_off)
    for word in changements.split():
        section = sections.find(word.lstrip("+-"))
        if word[:1] not in "+-" or section is None:
            known = ", ".join(s.name for s in sections.all())
            raise ArgumentError(N_("“{word}” is not a section change; the sections are: "
                                   "{sections}."), word=word, sections=known)
        (off.discard if word.startswith("+") else off.add)(section.name)
    updated = await store.set_sections_off(subscription.target, frozenset(off))
    assert updated is not None
    await ctx.reply(_summary(ctx, updated, sections))


@digest.subcommand("stop", help=N_("No more digest"))
async def stop(ctx: Context, store: Subscriptions) -> None:
    if await store.stop(user_target(ctx.user.id)):
        await ctx.reply(ctx.t("Done: you will get no more digest."))
        return
    await ctx.reply(ctx.t("You had no digest."))


@digest.subcommand(
    "equipe", aliases=("team",),
    help=N_("The room's own digest, posted in the room (room owners): a schedule, or stop"),
    examples=("/digest equipe #projet quotidien 9h", "/digest equipe #projet stop"),
)
@argument("salon", metavar=N_("#room"), help=N_("the room"))
@argument("quand", greedy=True, required=False, metavar=WHEN,
          help=N_("a schedule as for yourself (the default one when left out), or stop"))
async def equipe(ctx: Context, desk: DigestDesk, store: Subscriptions,
                 salon: str, quand: str | None) -> None:
    room = await ctx.chat.room_by_name(salon)
    if room is None:
        raise ArgumentError(N_("I do not know the room {room}."), room=salon)
    roles = await ctx.chat.room_roles(room.id, ctx.user.id)
    if not ctx.is_admin and not roles & ROOM_MANAGERS:
        raise PermissionDenied(N_("Only an owner or a moderator of #{room} can do that."),
                               room=room.name)
    if quand and quand.strip().lower() == "stop":
        stopped = await store.stop(room_target(room.id))
        await ctx.reply(ctx.t("#{room} will get no more digest.", room=room.name) if stopped
                        else ctx.t("#{room} had no digest.", room=room.name))
        return
    schedule = parse.schedule(quand or desk.runner.settings.default_schedule,
                              ctx.clock.now(), ctx.settings.tz)
    subscription = await desk.subscribe_room(room.id, room.name, schedule)
    await ctx.reply(ctx.t(
        "#{room} gets its digest {schedule}; next one: {next}.", room=room.name,
        schedule=texts.describe(schedule, ctx.translator),
        next=texts.moment(subscription.occurrence, subscription.zone, ctx.translator),
    ))
