"""/kanban, /tache and /taches: the room's board from chat (PLANIFIONS)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from bot.context import Context
from bot.dates import END_OF_WORKING_DAY, read_datetime
from bot.errors import ArgumentError, UserFacingError
from bot.i18n import N_
from bot.ports.boards import BoardList, Card, Person, is_open
from bot.routing import Router, argument, option
from commands.kanban import resolve
from commands.kanban.store import BoardLinks
from commands.kanban.text import board_label, card_label, safe, short_ids
from commands.kanban.watch import BoardWatch

router = Router()
MAX_TITLE = 255
MAX_LISTED = 30

def _when(ctx: Context, moment: datetime) -> str:
    return ctx.translator.datetime(moment.astimezone(ctx.settings.tz), "short")


@router.command(
    "kanban",
    aliases=("board",),
    help=N_("Summary of the Wekan board linked to this room: open cards per list, and the "
            "overdue ones. A card is done in the board's last list, or archived."),
    examples=("/kanban", "/kanban lier Équipe projet"),
)
async def kanban(ctx: Context, port: resolve.Boards, links: BoardLinks) -> None:
    linked = await resolve.linked_board(ctx, links)
    board = await port.board(linked.board_id)
    lists, cards = await port.lists(linked.board_id), await port.cards(linked.board_id)
    per_list = Counter(c.list_id for c in cards)
    open_cards = [c for c in cards if is_open(c, lists)]
    now = ctx.clock.now()
    late = sorted((c for c in open_cards if c.due_at and c.due_at < now),
                  key=lambda c: c.due_at or now)
    shorts = short_ids(c.id for c in cards)
    lines = [ctx.tn("{board}: {count} open card", "{board}: {count} open cards",
                    len(open_cards), board=board_label(board.title, board.url))]
    number = ctx.translator.number
    lines += [ctx.t("• {list}: {count}", list=safe(x.title), count=number(per_list[x.id]))
              for x in lists]
    if late:
        lines.append(ctx.tn("{count} overdue card:", "{count} overdue cards:", len(late)))
        lines += [
            f"• {card_label(c.title, c.id, shorts[c.id], c.url)}, "
            + ctx.t("due {due}", due=_when(ctx, c.due_at or now))
            for c in late[:MAX_LISTED]
        ]
    else:
        lines.append(ctx.t("No overdue card."))
    await ctx.reply("\n".join(lines))


@kanban.subcommand(
    "lier",
    aliases=("link",),
    help=N_("Link this room to a Wekan board I am a member of; its card events are then "
            "posted here (comments only through Wekan's outgoing webhook: polling cannot see "
            "them)"),
    examples=("/kanban lier Équipe projet",),
)
@argument("tableau", greedy=True, metavar=N_("board"), help=N_("title or id of the board"))
async def lier(
    ctx: Context, port: resolve.Boards, links: BoardLinks, watch: BoardWatch | None, tableau: str
) -> None:
    board = await resolve.board_by_name(ctx, port, tableau)
    if watch is not None:
        await watch.baseline(board.id)  # events from now on are told, not the board's past
    await links.link(ctx.room.id, board.id, board.title, ctx.user.id)
    shown = await port.board(board.id)  # a listing has no slug for links
    await ctx.reply(ctx.t(
        "This room is now linked to the board {board}: /tache creates cards there, and its "
        "card events will be posted here.", board=board_label(shown.title, shown.url),
    ))


def _due(ctx: Context, words: list[str]) -> datetime | None:
    if not words:
        return None
    return read_datetime(" ".join(words), ctx.clock.now(), ctx.settings.tz,
                         whole_day_at=END_OF_WORKING_DAY)


@router.command(
    "tache",
    aliases=("task",),
    help=N_("Create a card on the Wekan board linked to this room"),
    examples=(
        "/tache Appeler la préfecture @marie --echeance demain",
        '/tache Relire le rapport --liste "En cours"',
        "/tache fait 3xK9pQ",
    ),
)
@argument("titre", greedy=True, metavar=N_("title"), help=N_("the card title"))
@argument("qui", prefix="@", required=False, metavar=N_("who"),
          help=N_("the people to assign (as many as needed, anywhere in the line)"))
@option("echeance", aliases=("due",), multiple=True, metavar=N_("when"),
        help=N_("due date, e.g. demain 14h; a day without a time means 18:00 that day"))
@option("liste", aliases=("list",), multiple=True, metavar=N_("list"),
        help=N_("list of the card (the first list by default)"))
async def tache(  # noqa: PLR0913 - three services and four declared arguments
    ctx: Context,
    *,
    port: resolve.Boards,
    links: BoardLinks,
    watch: BoardWatch | None,
    titre: str,
    qui: list[str],
    echeance: list[str],
    liste: list[str],
) -> None:
    if len(titre) > MAX_TITLE:
        raise ArgumentError(N_("A card title has at most {count} characters."), count=MAX_TITLE)
    due_at = _due(ctx, echeance)
    linked = await resolve.linked_board(ctx, links)
    target = resolve.list_by_name(await port.lists(linked.board_id),
                                  " ".join(liste) or None, linked.board_title)
    people = [await resolve.person(port, name) for name in dict.fromkeys(qui)]
    for someone in people:
        await port.ensure_member(linked.board_id, someone)
    card = await port.create_card(linked.board_id, target.id, titre,
                                  assignees=tuple(people), due_at=due_at)
    await _record(watch, card)
    await ctx.reply(_created(ctx, card, target, linked.board_title, people))


def _created(ctx: Context, card: Card, target: BoardList, board: str,
             people: list[Person]) -> str:
    lines = [ctx.t("Card {card} created in {list} on {board}.",
                   card=card_label(card.title, card.id, url=card.url), list=safe(target.title),
                   board=safe(board))]
    if people:
        lines.append(ctx.t("Assigned to {people}.",
                           people=", ".join(safe(p.label) for p in people)))
    if card.due_at:
        lines.append(ctx.t("Due {due}.", due=_when(ctx, card.due_at)))
    return "\n".join(lines)


async def _record(watch: BoardWatch | None, card: Card) -> None:
    if watch is not None:
        await watch.record(card)


@tache.subcommand(
    "fait",
    aliases=("done",),
    help=N_("Move a card to the board's last list, where cards are done"),
    examples=("/tache fait 3xK9pQ",),
)
@argument("carte", metavar=N_("card"), help=N_("the card id that /taches shows"))
async def fait(
    ctx: Context, port: resolve.Boards, links: BoardLinks, watch: BoardWatch | None, carte: str
) -> None:
    linked = await resolve.linked_board(ctx, links)
    card = resolve.card_by_short_id(await port.cards(linked.board_id), carte)
    done = resolve.done_list(await port.lists(linked.board_id), linked.board_title)
    label = card_label(card.title, card.id, url=card.url)
    if card.list_id == done.id:
        await ctx.reply(ctx.t("Card {card} is already in {list}.", card=label,
                              list=safe(done.title)))
        return
    moved = await port.move_card(card, done.id)
    await _record(watch, moved)
    await ctx.reply(ctx.t("Card {card} moved to {list}.", card=label, list=safe(done.title)))


@router.command(
    "taches",
    aliases=("tasks",),
    help=N_("Open cards of a person on the linked boards you can see (yours by default)"),
    examples=("/taches", "/taches @marie"),
)
@argument("qui", required=False, metavar=N_("person"), help=N_("@username"))
async def taches(
    ctx: Context, port: resolve.Boards, links: BoardLinks, qui: str | None
) -> None:
    linked = await links.all()
    if not linked:
        raise UserFacingError(resolve.NOT_LINKED)
    someone = await resolve.person(port, qui or ctx.user.username)
    lines: list[str] = []
    titles = {link.board_id: link.board_title for link in linked}
    if not ctx.is_admin:  # only what Wekan itself would show the person asking
        viewer = await resolve.viewer_id(ctx, port)
        titles = {b: t for b, t in titles.items() if await port.visible_to(b, viewer)}
    for board_id, board_title in sorted(titles.items(), key=lambda item: item[1]):
        board_lists = await port.lists(board_id)
        lists = {x.id: x.title for x in board_lists}
        cards = await port.cards(board_id)
        shorts = short_ids(c.id for c in cards)
        mine = [c for c in cards if someone.id in c.assignees + c.members
                and is_open(c, board_lists)]
        mine.sort(key=lambda c: (c.due_at is None, c.due_at or ctx.clock.now()))
        for card in mine[:MAX_LISTED]:
            line = f"• {card_label(card.title, card.id, shorts[card.id], card.url)} — " \
                   f"{safe(lists.get(card.list_id, '?'))}, {safe(board_title)}"
            if card.due_at:
                line += ", " + ctx.t("due {due}", due=_when(ctx, card.due_at))
            lines.append(line)
    if not lines:
        await ctx.reply(ctx.t("{person} has no open card on the linked boards.",
                              person=safe(someone.label)))
        return
    header = ctx.tn("{person}: {count} open card", "{person}: {count} open cards", len(lines),
                    person=safe(someone.label))
    await ctx.reply("\n".join([header, *lines]))
