"""ÉCOGESTES: a heavy attachment or an office document posted in a room gets, once a day per
person, a suggestion in its thread with a button that runs /partage on it; what /partage
moves out of the chat is counted, per month, for /ecogestes bilan and the metrics."""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath

from prometheus_client import CollectorRegistry, Gauge

from bot.context import Context
from bot.errors import PermissionDenied, RoomClosed
from bot.events import AttachmentMoved, FilePosted
from bot.i18n import N_
from bot.models import Attachment, Button, FileRef, Message, RoomType
from bot.routing import Permission, Router, option
from commands.accueil.settings import AccueilSettings
from commands.accueil.sizes import human_size
from commands.accueil.store import Ecogestes, MonthSaving

router = Router()
# Documents people mail around and would better edit together (OOXML, ODF, legacy Office).
OFFICE_EXTENSIONS = frozenset({
    "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf",
})
# `!` rather than `/`: a button posts its text through the client, which swallows unknown
# slash commands unless Message_AllowUnrecognizedSlashCommand is on.
MOVE_COMMAND = "!partage"


def worth_moving(file: FileRef, threshold: int) -> bool:
    """Heavy, or an office document; an image below the threshold is not."""
    extension = PurePosixPath(file.name.lower()).suffix.lstrip(".")
    return file.size >= threshold or extension in OFFICE_EXTENSIONS


class Savings:
    """What was moved out of the chat per month, as Prometheus gauges set from the store
    (the same figures on every replica and after a restart)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ["month"]
        self.moved_bytes = Gauge("ensemble_ecogestes_moved_bytes",
                                 "Bytes of attachments moved from the chat to the file service",
                                 labels, registry=registry)
        self.moved_files = Gauge("ensemble_ecogestes_moved_files",
                                 "Attachments moved from the chat to the file service",
                                 labels, registry=registry)
        self.copies_avoided = Gauge("ensemble_ecogestes_copies_avoided_bytes",
                                    "Estimated downloads avoided: size times room members",
                                    labels, registry=registry)

    def show(self, months: list[MonthSaving]) -> None:
        for month in months:
            self.moved_bytes.labels(month.month).set(month.bytes)
            self.moved_files.labels(month.month).set(month.files)
            self.copies_avoided.labels(month.month).set(month.copies_bytes)


@router.on(FilePosted)
async def suggest_moving(
    ctx: Context, event: FilePosted, settings: AccueilSettings, ecogestes: Ecogestes
) -> None:
    # In a thread, /partage would look for the file on the thread's first message.
    if not settings.ecogestes or event.room.type is RoomType.DIRECT or event.thread_id:
        return
    heavy = [f for f in event.files if worth_moving(f, settings.threshold_bytes)]
    if not heavy or await ecogestes.is_off(event.user.id, event.room.id):
        return
    if not await ecogestes.claim_suggestion(event.user.id, _today(ctx)):
        return
    size = human_size(ctx.translator, sum(f.size for f in heavy))
    text = ctx.t(N_("This file ({size}) is copied for every reader of the room. One click "
                    "moves it to Nextcloud and replaces it with a link."), size=size)
    button = Button(ctx.t(N_("Move it to Nextcloud")), MOVE_COMMAND)
    hint = ctx.t(N_("/ecogestes off: no more suggestions"))
    message = Message(text, attachments=(Attachment(text=hint, buttons=(button,)),),
                      thread_id=event.message_id, idempotency_key=f"{event.message_id}:ecogeste")
    try:
        await ctx.chat.send(event.room.id, message)
    except RoomClosed:
        return  # a suggestion is not worth a direct message


def _today(ctx: Context) -> date:
    return ctx.clock.now().astimezone(ctx.settings.tz).date()


@router.on(AttachmentMoved)
async def count_moved(
    ctx: Context, event: AttachmentMoved, ecogestes: Ecogestes, savings: Savings
) -> None:
    members = [m for m in await ctx.chat.room_members(event.room.id)
               if m.username != ctx.chat.bot_username]
    size = sum(f.size for f in event.files)
    counted = await ecogestes.record_moved(
        event.message_id, room_id=event.room.id, files=len(event.files), size=size,
        members=len(members), at=event.timestamp)
    if counted:
        savings.show(await ecogestes.by_month())


@router.command(
    "ecogestes",
    aliases=("ecogestures",),
    help=N_("Suggestions to move heavy attachments to Nextcloud: on, off, and the savings"),
    examples=("/ecogestes off", "/ecogestes off --salon", "/ecogestes bilan"),
)
async def ecogestes(ctx: Context, store: Ecogestes) -> None:
    off = await store.is_off(ctx.user.id, ctx.room.id)
    state = N_("Suggestions are off for you or this room.") if off else N_(
        "Suggestions are on: a heavy attachment or an office document gets one, at most once "
        "a day.")
    await ctx.reply(ctx.t(state) + "\n" + ctx.t(N_("/ecogestes off, /ecogestes on; "
                                                    "--salon for the whole room (its owners).")))


async def _switch(ctx: Context, store: Ecogestes, *, off: bool, salon: bool) -> None:
    if salon and (ctx.room.type is RoomType.DIRECT or not ctx.moderates_room):
        raise PermissionDenied(N_("Only the owners and moderators of a room can switch the "
                                  "suggestions for the whole room."))
    scope, target = ("room", ctx.room.id) if salon else ("user", ctx.user.id)
    await store.set_off(scope, target, off, ctx.clock.now())
    done = {
        (True, True): N_("No more suggestions in this room."),
        (True, False): N_("No more suggestions for you."),
        (False, True): N_("Suggestions are back in this room."),
        (False, False): N_("Suggestions are back for you."),
    }[(off, salon)]
    await ctx.reply(ctx.t(done))


@ecogestes.subcommand("off", aliases=("non",), help=N_("No more suggestions"))
@option("salon", aliases=("room",), flag=True, help=N_("for the whole room (its owners)"))
async def off(ctx: Context, store: Ecogestes, *, salon: bool) -> None:
    await _switch(ctx, store, off=True, salon=salon)


@ecogestes.subcommand("on", aliases=("oui",), help=N_("Suggestions again"))
@option("salon", aliases=("room",), flag=True, help=N_("for the whole room (its owners)"))
async def on(ctx: Context, store: Ecogestes, *, salon: bool) -> None:
    await _switch(ctx, store, off=False, salon=salon)


@ecogestes.subcommand("bilan", aliases=("savings",), permission=Permission.ADMIN,
                      help=N_("What was moved out of the chat, per month"))
async def bilan(ctx: Context, store: Ecogestes) -> None:
    months = await store.by_month()
    if not months:
        await ctx.reply(ctx.t(N_("Nothing was moved out of the chat yet.")))
        return
    lines = [_month_line(ctx, month) for month in months]
    total = MonthSaving("", sum(m.files for m in months), sum(m.bytes for m in months),
                        sum(m.copies_bytes for m in months))
    lines.append(ctx.tn("Total: {size} moved out of the chat in {count} file, about {copies} "
                        "of downloads avoided.",
                        "Total: {size} moved out of the chat in {count} files, about {copies} "
                        "of downloads avoided.",
                        total.files, size=human_size(ctx.translator, total.bytes),
                        copies=human_size(ctx.translator, total.copies_bytes)))
    await ctx.reply("\n".join(lines))


def _month_line(ctx: Context, month: MonthSaving) -> str:
    return "- " + ctx.tn(
        "{month}: {size} in {count} file, about {copies} of downloads avoided",
        "{month}: {size} in {count} files, about {copies} of downloads avoided",
        month.files, month=month.month, size=human_size(ctx.translator, month.bytes),
        copies=human_size(ctx.translator, month.copies_bytes))
