"""Card comment routes (W server/models/cardComments.js): real status + `{error}`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from . import actions
from .auth import STORE_KEY, check_board, read_body
from .documents import comment_doc
from .errors import MeteorError, html_error, json_result, meteor_200

routes = web.RouteTableDef()


def _status_json(
    handler: Callable[[web.Request], Awaitable[web.Response]],
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """W: `{code: httpStatusForError(error), data: {error: extractErrorMessage(error)}}`.
    Legacy (W@v7.90 models/cardComments.js): `JsonRoutes.sendResult(res, {code: 200,
    data: error})`, envelope 1 (a TypeError on an unknown board serializes to `{}`)."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        if request.app[STORE_KEY].legacy:
            return await meteor_200(handler)(request)
        try:
            return await handler(request)
        except MeteorError as error:
            return json_result({"error": error.reason}, error.status)

    return wrapped


@routes.get("/api/boards/{boardId}/cards/{cardId}/comments")
@_status_json
async def list_comments(request: web.Request) -> web.Response:
    store = request.app[STORE_KEY]
    _, board = check_board(request, request.match_info["boardId"], "read")
    card = store.cards.get(request.match_info["cardId"])
    card_id = request.match_info["cardId"]
    if not store.legacy and (card is None or card.board_id != board.id):
        return json_result({"error": "Card not found"}, 404)
    # W@v7.90 only filters the comments by boardId and cardId.
    comments = sorted((c for c in store.comments.values()
                       if c.card_id == card_id and c.board_id == board.id),
                      key=lambda c: c.created_at)
    return json_result([comment_doc(c) for c in comments])


@routes.post("/api/boards/{boardId}/cards/{cardId}/comments")
@_status_json
async def add_comment(request: web.Request) -> web.Response:
    store, body = request.app[STORE_KEY], await read_body(request)
    user, board = check_board(request, request.match_info["boardId"], "read")
    text = body.get("comment")
    blank = not isinstance(text, str) or not text.strip()
    if store.legacy and (blank or not body.get("authorId")):
        # W@v7.90: `CardComments.direct.insert({userId: req.body.authorId, text: …})` still
        # runs collection2 validation; a missing text or author ("User id is required": the
        # userId autoValue only fills in a DDP user) throws a validation Error whose
        # `validationContext` is circular (SimpleSchema keeps its named contexts), so the
        # catch's JSON.stringify throws too and the request ends as a 500 page (the comment
        # on #5804 in W server/models/cardComments.js).
        return html_error(500)
    if blank:
        return json_result({"error": "Missing required parameter: comment"}, 400)
    assert isinstance(text, str)
    card = store.cards.get(request.match_info["cardId"])
    author = str(body["authorId"]) if store.legacy else user.id
    if card is None or card.board_id != board.id:
        # W inserts the comment without checking the card exists.
        comment = store.new_comment_for(board.id, request.match_info["cardId"], author, text)
    else:
        comment = actions.add_comment(store, card, author, text, from_ui=False)
    return json_result({"_id": comment.id})
