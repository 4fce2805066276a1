"""Card comment routes (W server/models/cardComments.js): real status + `{error}`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from . import actions
from .auth import STORE_KEY, check_board, read_body
from .documents import comment_doc
from .errors import MeteorError, json_result


def _status_json(
    handler: Callable[[web.Request], Awaitable[web.Response]],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`{code: httpStatusForError(error), data: {error: extractErrorMessage(error)}}`."""

    async def wrapped(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except MeteorError as error:
            return json_result({"error": error.reason}, error.status)

    return wrapped


@_status_json
async def list_comments(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "read")
    card = store.cards.get(request.match_info["cardId"])
    if card is None or card.board_id != board.id:
        return json_result({"error": "Card not found"}, 404)
    comments = sorted((c for c in store.comments.values() if c.card_id == card.id),
                      key=lambda c: c.created_at)
    return json_result([comment_doc(c) for c in comments])


@_status_json
async def add_comment(request: web.Request) -> web.Response:
    store, body = request.app[STORE_KEY], await read_body(request)
    user, board = check_board(request, request.match_info["boardId"], "read")
    text = body.get("comment")
    if not isinstance(text, str) or not text.strip():
        return json_result({"error": "Missing required parameter: comment"}, 400)
    card = store.cards.get(request.match_info["cardId"])
    author = str(body.get("authorId") or user.id) if store.legacy else user.id
    if card is None or card.board_id != board.id:
        # W inserts the comment without checking the card exists.
        comment = store.new_comment_for(board.id, request.match_info["cardId"], author, text)
    else:
        comment = actions.add_comment(store, card, author, text, from_ui=False)
    return json_result({"_id": comment.id})
