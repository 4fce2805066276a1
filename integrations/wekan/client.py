"""The Wekan REST routes the bot uses (wekan/wekan v11.07 server/models/*.js), each decoded by
`decode`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from integrations.wekan.decode import Expect
from integrations.wekan.session import WekanSession

Json = dict[str, Any]


def _seg(value: str) -> str:
    return quote(value, safe="")


class WekanClient:
    def __init__(self, session: WekanSession) -> None:
        self.session = session

    async def _get(self, path: str, expect: Expect = Expect.OBJECT) -> Any:
        return await self.session.request("GET", path, expect=expect)

    async def user(self, id_or_username: str) -> Json:
        """Admin only; an unknown user is a TypeError serialised as `{}` (→ not found)."""
        found: Json = await self._get(f"/api/users/{_seg(id_or_username)}")
        return found

    async def user_boards(self, user_id: str) -> list[Json]:
        found: list[Json] = await self._get(f"/api/users/{_seg(user_id)}/boards", Expect.LIST)
        return found

    async def board(self, board_id: str) -> Json:
        found: Json = await self._get(f"/api/boards/{_seg(board_id)}")
        return found

    async def lists(self, board_id: str) -> list[Json]:
        found: list[Json] = await self._get(f"/api/boards/{_seg(board_id)}/lists", Expect.LIST)
        return found

    async def swimlanes(self, board_id: str) -> list[Json]:
        path = f"/api/boards/{_seg(board_id)}/swimlanes"
        found: list[Json] = await self._get(path, Expect.LIST)
        return found

    async def swimlane_cards(self, board_id: str, swimlane_id: str) -> list[Json]:
        path = f"/api/boards/{_seg(board_id)}/swimlanes/{_seg(swimlane_id)}/cards"
        found: list[Json] = await self._get(path, Expect.LIST)
        return found

    async def export(self, board_id: str) -> Json:
        """The whole board (W models/export.js): with a Bearer header only site admins may,
        so the login token goes as `authToken`; `attachments=false` (#5870) leaves out
        the files' data."""
        found: Json = await self.session.request(
            "GET", f"/api/boards/{_seg(board_id)}/export", expect=Expect.OBJECT,
            params={"attachments": "false"}, token_param="authToken",
        )
        return found

    async def card(self, card_id: str) -> Json:
        """`GET /api/cards/:id` (≥ v7.93): archived cards too."""
        found: Json = await self._get(f"/api/cards/{_seg(card_id)}")
        return found

    async def create_card(self, board_id: str, list_id: str, body: Json) -> str:
        path = f"/api/boards/{_seg(board_id)}/lists/{_seg(list_id)}/cards"
        created: str = await self.session.request("POST", path, expect=Expect.ID, json=body)
        return created

    async def update_card(self, board_id: str, list_id: str, card_id: str, body: Json) -> str:
        path = f"/api/boards/{_seg(board_id)}/lists/{_seg(list_id)}/cards/{_seg(card_id)}"
        updated: str = await self.session.request("PUT", path, expect=Expect.ID, json=body)
        return updated

    async def add_member(self, board_id: str, user_id: str) -> None:
        """Role and the four legacy flags together (§3.1): old and new servers understand."""
        body = {"action": "add", "role": "normal", "isAdmin": "false",
                "isNoComments": "false", "isCommentOnly": "false", "isWorker": "false"}
        path = f"/api/boards/{_seg(board_id)}/members/{_seg(user_id)}/add"
        await self.session.request("POST", path, expect=Expect.ANYTHING, json=body)

    async def create_board(self, owner_id: str, title: str) -> str:
        """`POST /api/boards` answers `{_id, defaultSwimlaneId}` (W server/models/boards.js)."""
        body = {"title": title, "owner": owner_id, "permission": "private", "color": "belize"}
        created: str = await self.session.request("POST", "/api/boards", expect=Expect.ID,
                                                  json=body)
        return created

    async def create_list(self, board_id: str, title: str) -> str:
        path = f"/api/boards/{_seg(board_id)}/lists"
        created: str = await self.session.request("POST", path, expect=Expect.ID,
                                                  json={"title": title})
        return created

    async def set_board_title(self, board_id: str, title: str) -> None:
        """`PUT /api/boards/:boardId/title` (W server/models/boards.js v11.07)."""
        path = f"/api/boards/{_seg(board_id)}/title"
        await self.session.request("PUT", path, expect=Expect.ANYTHING, json={"title": title})
