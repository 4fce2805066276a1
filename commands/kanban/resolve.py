"""From what people type to board objects: the linked board, lists, people, card ids."""

from __future__ import annotations

from typing import Annotated

from bot.context import Context
from bot.errors import ArgumentError, UserFacingError
from bot.i18n import N_
from bot.ports import boards
from bot.ports.boards import BOARD_PORT, Board, BoardList, BoardPort, Card, NotFound, Person
from commands.kanban.store import BoardLinks, LinkedBoard
from commands.kanban.text import MIN_TYPED_ID, safe, short_ids

NOT_LINKED = N_("This room is not linked to a Wekan board yet. Run /kanban lier <board> first.")


# What a handler declares to be given the board server (not set up: see bot/injection.py).
Boards = Annotated[BoardPort, BOARD_PORT]


async def linked_board(ctx: Context, links: BoardLinks) -> LinkedBoard:
    linked = await links.board_for(ctx.room.id)
    if linked is None:
        raise UserFacingError(NOT_LINKED)
    return linked


async def board_by_name(ctx: Context, port: BoardPort, wanted: str) -> Board:
    """A board the bot belongs to and the person may see in Wekan, by id or title (any case).

    Without the second condition anyone could link their room to, and so read and write, a
    board of a team they are not part of; administrators may link any board the bot is in.
    """
    boards = await port.bot_boards()
    if not boards:
        raise UserFacingError(N_("I am not a member of any Wekan board. Add me to the board "
                                 "first."))
    if not ctx.is_admin:
        viewer = await viewer_id(ctx, port)
        boards = [b for b in boards if await port.visible_to(b.id, viewer)]
        if not boards:
            raise UserFacingError(N_("None of my Wekan boards is open to you. Add me to a board "
                                     "you are a member of first."))
    key = wanted.strip().casefold()
    found = [b for b in boards if b.id == wanted.strip() or b.title.casefold() == key]
    if found:
        return found[0]
    raise UserFacingError(
        N_("No board called {board} that you and I can both see in Wekan. Add me to it, or "
           "choose one of: {boards}."),
        board=safe(wanted), boards=", ".join(safe(b.title) for b in boards),
    )


async def viewer_id(ctx: Context, port: BoardPort) -> str | None:
    """The Wekan account of the person typing, None when they have none."""
    try:
        return (await port.person(ctx.user.username)).id
    except NotFound:
        return None


def list_by_name(lists: list[BoardList], wanted: str | None, board_title: str) -> BoardList:
    if not lists:
        raise UserFacingError(N_("The board {board} has no list yet."), board=safe(board_title))
    if wanted is None:
        return lists[0]
    key = wanted.strip().casefold()
    for found in lists:
        if found.title.casefold() == key or found.id == wanted:
            return found
    raise UserFacingError(
        N_("There is no list {list} on the board {board}. Lists: {lists}."),
        list=safe(wanted), board=safe(board_title), lists=", ".join(safe(x.title) for x in lists),
    )


def done_list(lists: list[BoardList], board_title: str) -> BoardList:
    found = boards.done_list(lists)
    if found is None:
        raise UserFacingError(
            N_("The board {board} has no done list: cards are done in the last list of a "
               "board that has at least two."), board=safe(board_title),
        )
    return found


async def person(port: BoardPort, username: str) -> Person:
    name = username.lstrip("@")
    if not name or name.lower() in ("all", "here", "everyone"):
        raise ArgumentError(N_("Cards are assigned to people, not to {user}."),
                            user=safe("@" + name))
    try:
        return await port.person(name)
    except NotFound:
        raise UserFacingError(
            N_("{user} has no Wekan account (I look for the same username as in the chat)."),
            user=safe("@" + name),
        ) from None


def card_by_short_id(cards: list[Card], typed: str) -> Card:
    typed = typed.strip().lstrip("#")
    if len(typed) < MIN_TYPED_ID:
        raise ArgumentError(N_("A card id has at least {count} characters."), count=MIN_TYPED_ID)
    matches = [c for c in cards if c.id.startswith(typed)]
    if not matches:  # people retype ids in any case; Meteor ids are mixed-case
        matches = [c for c in cards if c.id.lower().startswith(typed.lower())]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UserFacingError(N_("No open card has the id {card}. /taches shows the ids."),
                              card=safe(typed))
    shorts = short_ids(c.id for c in cards)
    raise UserFacingError(
        N_("The id {card} names several cards: {cards}. Type more characters."),
        card=safe(typed), cards=", ".join(shorts[c.id] for c in matches),
    )
