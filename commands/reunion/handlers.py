"""/reunion (/meeting) and the call button: Jitsi meetings with personal signed links."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Annotated

from babel.lists import format_list

from bot.context import Context
from bot.errors import ArgumentError, PermissionDenied, UserFacingError
from bot.events import CallStarted
from bot.i18n import N_
from bot.injection import require
from bot.models import Message, RoomType, Upload, User
from bot.ports.meetings import MEETING_PORT, MeetingPort
from bot.routing import Router, argument, option
from bot.sanitize import escape_markdown
from commands.reunion import texts
from commands.reunion.calendar import cancellation, invitation
from commands.reunion.desk import MeetingDesk
from commands.reunion.policy import is_over, is_too_early, links_open_at
from commands.reunion.reminders import Reminders
from commands.reunion.request import DEFAULT_DURATION, MeetingRequest, read_request
from commands.reunion.store import Meeting, NewMeeting

log = logging.getLogger(__name__)
router = Router()
ICS_NAME = "reunion.ics"
CANCEL_ICS_NAME = "reunion-annulee.ics"
ICS_TYPE = "text/calendar"
Jitsi = Annotated[MeetingPort, MEETING_PORT]


def parse_request(value: str, ctx: Context) -> MeetingRequest:
    return read_request(value, ctx.clock.now(), ctx.settings.tz)


def parse_meeting_id(value: str, _ctx: Context) -> int:
    digits = value.lstrip("#")
    if not digits.isdigit() or len(digits) > 12:
        raise ArgumentError(N_("“{value}” is not a meeting number."), value=value)
    return int(digits)


@router.command(
    "reunion",
    aliases=("meeting", "réunion"),
    help=N_("Start or plan a video meeting with personal signed links"),
    examples=(
        "/reunion",
        "/reunion point hebdo demain 10h 1h30",
        "/reunion comité de pilotage lundi 14h --externe",
    ),
)
@argument(
    "demande",
    parse_request,
    required=False,
    greedy=True,
    metavar=N_("subject when duration"),
    help=N_("a subject, then optionally a day and hour and a duration (1 hour by default)"),
)
@option(
    "externe",
    aliases=("external",),
    flag=True,
    help=N_("also give a link for outside guests, who wait in the lobby"),
)
async def reunion(  # noqa: PLR0913 - three services and two declared arguments
    ctx: Context,
    *,
    jitsi: Jitsi,
    desk: MeetingDesk,
    reminders: Reminders,
    demande: MeetingRequest | None,
    externe: bool,
) -> None:
    request = demande or MeetingRequest("", None, DEFAULT_DURATION)
    members = await desk.members(ctx.room.id)
    title = texts.clean_title(request.subject) or _default_title(ctx, members, call=False)
    await _open_meeting(
        ctx, jitsi, desk, reminders, members,
        title=title,
        room_name=jitsi.new_room_name(title),
        start=request.start,
        duration=request.duration,
        external=externe,
    )


async def _open_meeting(
    ctx: Context,
    jitsi: MeetingPort,
    desk: MeetingDesk,
    reminders: Reminders,
    members: list[User],
    *,
    title: str,
    room_name: str,
    start: datetime | None,
    duration: timedelta,
    external: bool = False,
    call_id: str | None = None,
) -> None:
    """The one way a meeting is opened, by /reunion and by the call button: stored,
    announced with `ctx.reply` (so a read-only room gets it by direct message), then the
    invitation for a planned one, the personal links for one that starts now."""
    begins = start or ctx.clock.now()
    meeting = await desk.store.add(
        NewMeeting(
            room_name=room_name,
            title=title,
            organizer_id=ctx.user.id,
            organizer_username=ctx.user.username,
            chat_room_id=ctx.room.id,
            starts_at=begins,
            ends_at=begins + duration,
            scheduled=start is not None,
            external=external,
            call_id=call_id,
        )
    )
    log.info("meeting created", extra={"meeting": meeting.id, "room": meeting.room_name})
    announcement = _announcement(ctx, jitsi, meeting, proactive=desk.proactive(len(members)))
    await ctx.reply(announcement.text, attachments=announcement.attachments)
    if meeting.scheduled:
        await _post_invitation(ctx, jitsi, meeting)
        await reminders.plan(meeting)
    else:
        await desk.hand_out(meeting, ctx.user, key=f"{ctx.event.message_id}:link")


def _default_title(ctx: Context, members: list[User], *, call: bool) -> str:
    """A direct message has no name worth showing ("luc,ensemble-bot"): its people have."""
    if ctx.room.type is not RoomType.DIRECT:
        room = ctx.room.name
        if call:
            return ctx.t(N_("Video call in #{room}"), room=room)
        return ctx.t(N_("Meeting in #{room}"), room=room)
    others = [member.label for member in members if member.id != ctx.user.id]
    if not others:
        name = ctx.user.label
        if call:
            return texts.clean_title(ctx.t(N_("Video call of {name}"), name=name))
        return texts.clean_title(ctx.t(N_("Meeting of {name}"), name=name))
    names = format_list(others, locale=ctx.translator.locale)
    if call:
        return texts.clean_title(ctx.t(N_("Video call with {names}"), names=names))
    return texts.clean_title(ctx.t(N_("Meeting with {names}"), names=names))


def _announcement(
    ctx: Context, jitsi: MeetingPort, meeting: Meeting, *, proactive: bool
) -> Message:
    """The room message (`ctx.reply` puts it in the call's thread for the call button)."""
    url = jitsi.public_url(meeting.room_name, subject=meeting.title, language=ctx.locale)
    text, attachment = texts.announcement(
        ctx.translator,
        meeting,
        organizer=ctx.user.label,
        url=url,
        capabilities=jitsi.capabilities,
        proactive=proactive,
        tz=ctx.settings.tz,
    )
    return Message(text=text, attachments=(attachment,))


async def _post_invitation(ctx: Context, jitsi: MeetingPort, meeting: Meeting) -> None:
    url = jitsi.public_url(meeting.room_name, subject=meeting.title, language=ctx.locale)
    content = invitation(
        meeting,
        url=url,
        description=texts.invitation_description(ctx.translator, url),
        tz=ctx.settings.tz,
        now=ctx.clock.now(),
        branding=ctx.settings.branding,
    )
    await ctx.reply(
        ctx.t(N_("Invitation for your calendar (Outlook, Thunderbird…), without personal link.")),
        upload=Upload(ICS_NAME, content, ICS_TYPE),
    )


@reunion.subcommand("liste", aliases=("list",), help=N_("Upcoming meetings here"))
async def liste(ctx: Context, desk: MeetingDesk) -> None:
    meetings = await desk.store.upcoming(ctx.room.id, ctx.clock.now())
    await ctx.reply(texts.listing(ctx.translator, meetings, ctx.settings.tz))


NO_SUCH_MEETING = N_("There is no meeting #{id}.")


async def _meeting(desk: MeetingDesk, meeting_id: int) -> Meeting:
    meeting = await desk.store.get(meeting_id)
    if meeting is None:
        raise UserFacingError(NO_SUCH_MEETING, id=meeting_id)
    return meeting


def _hidden(meeting: Meeting) -> PermissionDenied:
    """Numbers are global: to whoever is not invited, a meeting answers as if it did not
    exist (the audit still records a denial)."""
    return PermissionDenied(NO_SUCH_MEETING, id=meeting.id)


def _may_cancel(ctx: Context, meeting: Meeting) -> bool:
    """Room moderators rule the meetings of the room they moderate, where they type."""
    if ctx.user.id == meeting.organizer_id or ctx.is_admin:
        return True
    return meeting.chat_room_id == ctx.room.id and ctx.moderates_room


@reunion.subcommand(
    "annuler",
    aliases=("cancel",),
    help=N_("Cancel a meeting (its organizer, a moderator of its room or an administrator)"),
)
@argument("numero", parse_meeting_id, metavar=N_("number"), help=N_("the meeting number"))
async def annuler(ctx: Context, desk: MeetingDesk, reminders: Reminders, numero: int) -> None:
    meeting = await _meeting(desk, numero)
    if not _may_cancel(ctx, meeting):
        if not await desk.may_join(meeting, ctx.user):
            raise _hidden(meeting)
        raise PermissionDenied(
            N_(
                "Only the organizer of meeting #{id}, an administrator or a moderator of its "
                "room, typing in that room, can cancel it."
            ),
            id=meeting.id,
        )
    if not await desk.store.cancel(meeting.id):
        raise UserFacingError(N_("Meeting #{id} is already cancelled."), id=meeting.id)
    reminders.cancel(meeting.id)
    log.info("meeting cancelled", extra={"meeting": meeting.id, "user_id": ctx.user.id})
    text = ctx.t(
        N_(
            "Meeting #{id} “{title}” is cancelled. Links already sent stop working when "
            "they expire."
        ),
        id=meeting.id,
        title=escape_markdown(meeting.title),
    )
    await ctx.reply(text)
    if meeting.chat_room_id != ctx.room.id:
        notice = Message(text=text, idempotency_key=f"{ctx.event.message_id}:cancel-notice")
        await ctx.chat.send(meeting.chat_room_id, notice)
    if meeting.scheduled:
        await _post_cancellation(ctx, meeting)


async def _post_cancellation(ctx: Context, meeting: Meeting) -> None:
    """Where the invitation went: opening it removes the entry from Outlook or Thunderbird."""
    content = cancellation(
        meeting, tz=ctx.settings.tz, now=ctx.clock.now(), branding=ctx.settings.branding
    )
    text = ctx.t(N_("Cancellation for your calendar: open it to remove the meeting."))
    upload = Upload(CANCEL_ICS_NAME, content, ICS_TYPE)
    if meeting.chat_room_id == ctx.room.id:
        await ctx.reply(text, upload=upload)
        return
    message = Message(
        text=text, upload=upload, idempotency_key=f"{ctx.event.message_id}:cancel-ics"
    )
    await ctx.chat.send(meeting.chat_room_id, message)


async def _send_personal_link(
    ctx: Context, jitsi: MeetingPort, desk: MeetingDesk, meeting_id: int
) -> None:
    require(jitsi)  # links are signed for Jitsi: without it, say so before anything else
    meeting = await _meeting(desk, meeting_id)
    now = ctx.clock.now()
    # Only the organizer and the members of the meeting's room, wherever they type.
    if not await desk.may_join(meeting, ctx.user):
        raise _hidden(meeting)
    if meeting.cancelled:
        raise UserFacingError(N_("Meeting #{id} was cancelled."), id=meeting.id)
    if is_over(meeting, now):
        raise UserFacingError(N_("Meeting #{id} is over."), id=meeting.id)
    if is_too_early(meeting, now):
        # A link minted now would expire before the meeting (links last 12 hours at most):
        # say when it comes, and whether it comes by itself.
        opens = links_open_at(meeting)
        sent_then = desk.proactive(len(await desk.members(meeting.chat_room_id)))
        await ctx.dm(
            texts.too_early_message(
                ctx.translator, meeting, opens, ctx.settings.tz, sent_then=sent_then
            )
        )
        return
    await desk.send_link(meeting, ctx.user, key=f"{ctx.event.message_id}:link")


@reunion.subcommand(
    "lien",
    aliases=("link",),
    help=N_("Get a fresh personal link by direct message"),
)
@argument("numero", parse_meeting_id, metavar=N_("number"), help=N_("the meeting number"))
async def lien(ctx: Context, jitsi: Jitsi, desk: MeetingDesk, numero: int) -> None:
    await _send_personal_link(ctx, jitsi, desk, numero)


@reunion.subcommand(
    "rejoindre",
    aliases=("join",),
    help=N_("What the “Join” button does: your personal link by direct message"),
    hidden=True,
)
@argument("numero", parse_meeting_id, metavar=N_("number"), help=N_("the meeting number"))
async def rejoindre(ctx: Context, jitsi: Jitsi, desk: MeetingDesk, numero: int) -> None:
    await _send_personal_link(ctx, jitsi, desk, numero)


@router.on(CallStarted)
async def call_started(
    ctx: Context,
    event: CallStarted,
    jitsi: Annotated[MeetingPort | None, MEETING_PORT],
    desk: MeetingDesk,
    reminders: Reminders,
) -> None:
    """The call button: the same meeting as /reunion, answered in the call's thread."""
    if jitsi is None or not event.call_id:
        log.info("call ignored: Jitsi is not configured or the call has no id")
        return
    if await desk.store.by_call_id(event.call_id) is not None:
        return
    members = await desk.members(ctx.room.id)
    title = _default_title(ctx, members, call=True)
    await _open_meeting(
        ctx, jitsi, desk, reminders, members,
        title=title,
        room_name=jitsi.call_room_name(event.call_id, title),
        start=None,
        duration=DEFAULT_DURATION,
        call_id=event.call_id,
    )
