"""`BoardPort` on Wekan: user resolution with a cache, and write-then-verify on every write.

Wekan acknowledges some writes without doing them (wekan/wekan server/models/cards.js, v11.07;
issues wekan/wekan#5537, #5399 for older versions): a PUT on a wrong
list id answers `200 {_id}`, non-member assignees are silently dropped, dates were ignored on
create by older versions. Each write is therefore read back and compared.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

from bot.ports.boards import (
    Board,
    BoardContent,
    BoardList,
    Card,
    NotFound,
    Person,
    WriteNotApplied,
)
from integrations.wekan import convert
from integrations.wekan.client import WekanClient
from integrations.wekan.errors import SERVICE, WekanNotFound, WekanUnavailable
from integrations.wekan.session import WekanSession

DATE_TOLERANCE = timedelta(seconds=1)


class WekanBoards:
    service_label: ClassVar[str] = SERVICE

    def __init__(self, session: WekanSession) -> None:
        self.session = session
        self.client = WekanClient(session)
        self._by_username: dict[str, Person] = {}
        self._by_id: dict[str, Person] = {}
        # Board slugs only make links readable (Wekan routes by id): one read per board.
        self._slugs: dict[str, str] = {}

    async def close(self) -> None:
        await self.session.close()

    async def bot_boards(self) -> list[Board]:
        docs = await self.client.user_boards(await self.session.user_id())
        return [self._board(d) for d in docs]  # `[{_id, title}]`: no slug in this listing

    async def board(self, board_id: str) -> Board:
        return self._board(await self._board_doc(board_id))

    def _board(self, doc: dict[str, Any]) -> Board:
        board_id = str(doc["_id"])
        url = convert.board_url(self.session.base_url, board_id, self._slugs.get(board_id))
        return Board(board_id, str(doc.get("title") or ""), url)

    async def _slug(self, board_id: str) -> str | None:
        if board_id not in self._slugs:
            try:
                await self.board(board_id)
            except NotFound:
                return None
        return self._slugs.get(board_id)

    def _card(self, doc: dict[str, Any], board_id: str, slug: str | None) -> Card:
        return convert.card(doc, board_id, base=self.session.base_url, slug=slug)

    async def lists(self, board_id: str) -> list[BoardList]:
        try:
            docs = await self.client.lists(board_id)
        except WekanNotFound as exc:
            raise NotFound("board", board_id) from exc
        return [convert.board_list(d) for d in docs]

    async def cards(self, board_id: str) -> list[Card]:
        """One read per swimlane gives every open card with its list (§3.1 "digests")."""
        lanes = await self.client.swimlanes(board_id)
        per_lane = await asyncio.gather(
            *(self.client.swimlane_cards(board_id, str(lane["_id"])) for lane in lanes)
        )
        slug = await self._slug(board_id)
        return [self._card(doc, board_id, slug) for docs in per_lane for doc in docs]

    async def content(self, board_id: str) -> BoardContent:
        try:
            doc = await self.client.export(board_id)
        except WekanNotFound as exc:
            raise NotFound("board", board_id) from exc
        if isinstance(doc.get("slug"), str) and doc["slug"]:
            self._slugs[board_id] = doc["slug"]
        slug = self._slugs.get(board_id)
        lists = [convert.board_list(x) for x in _documents(doc, "lists") if not x.get("archived")]
        cards = [self._card(c, board_id, slug) for c in _documents(doc, "cards")
                 if not c.get("archived")]
        people = {p.id: self._remember(p) for p in map(convert.person, _documents(doc, "users"))}
        return BoardContent(self._board(doc), lists, cards, people)

    async def card(self, card_id: str) -> Card:
        try:
            doc = await self.client.card(card_id)
        except WekanNotFound as exc:
            raise NotFound("card", card_id) from exc
        board_id = str(doc.get("boardId") or "")
        return self._card(doc, board_id, await self._slug(board_id) if board_id else None)

    async def person(self, username: str) -> Person:
        wanted = username.lstrip("@")
        cached = self._by_username.get(wanted.lower())
        if cached is not None:
            return cached
        try:
            found = convert.person(await self.client.user(wanted))
        except WekanNotFound as exc:
            raise NotFound("person", wanted) from exc
        if found.username.lower() != wanted.lower():  # the route also accepts ids
            raise NotFound("person", wanted)
        return self._remember(found)

    async def person_by_id(self, person_id: str) -> Person:
        cached = self._by_id.get(person_id)
        if cached is not None:
            return cached
        try:
            return self._remember(convert.person(await self.client.user(person_id)))
        except WekanNotFound as exc:
            raise NotFound("person", person_id) from exc

    def _remember(self, person: Person) -> Person:
        self._by_username[person.username.lower()] = person
        self._by_id[person.id] = person
        return person

    async def ensure_member(self, board_id: str, person: Person) -> None:
        if await self._is_active_member(board_id, person.id):
            return
        await self.client.add_member(board_id, person.id)
        if not await self._is_active_member(board_id, person.id):
            raise WriteNotApplied("membership", f"{person.username} on {board_id}")

    async def create_board(self, title: str) -> Board:
        board_id = await self.client.create_board(await self.session.user_id(), title)
        return await self.board(board_id)

    async def create_list(self, board_id: str, title: str) -> BoardList:
        list_id = await self.client.create_list(board_id, title)
        return BoardList(list_id, title)

    async def rename_board(self, board_id: str, title: str) -> None:
        await self.client.set_board_title(board_id, title)
        if (await self.board(board_id)).title != title:  # Wekan answers 200 on a refusal too
            raise WriteNotApplied("title", board_id)

    async def ensure_members(self, board_id: str, people: Sequence[Person]) -> None:
        doc = await self._board_doc(board_id)
        missing = [p for p in people if not _has_active_member(doc, p.id)]
        # The session bounds the calls in flight (Wekan has no rate limit of its own).
        await asyncio.gather(*(self.client.add_member(board_id, p.id) for p in missing))
        if missing:
            doc = await self._board_doc(board_id)
            lost = [p.username for p in missing if not _has_active_member(doc, p.id)]
            if lost:
                raise WriteNotApplied("membership", f"{', '.join(lost)} on {board_id}")

    async def _is_active_member(self, board_id: str, person_id: str) -> bool:
        return _has_active_member(await self._board_doc(board_id), person_id)

    async def visible_to(self, board_id: str, person_id: str | None) -> bool:
        doc = await self._board_doc(board_id)
        if doc.get("permission") == "public":
            return True
        return person_id is not None and _has_active_member(doc, person_id)

    async def _board_doc(self, board_id: str) -> dict[str, Any]:
        try:
            doc: dict[str, Any] = await self.client.board(board_id)
        except WekanNotFound as exc:
            raise NotFound("board", board_id) from exc
        if isinstance(doc.get("slug"), str) and doc["slug"]:
            self._slugs[str(doc["_id"])] = doc["slug"]
        return doc

    async def create_card(
        self,
        board_id: str,
        list_id: str,
        title: str,
        *,
        assignees: tuple[Person, ...] = (),
        due_at: datetime | None = None,
        description: str = "",
    ) -> Card:
        lanes = await self.client.swimlanes(board_id)
        if not lanes:
            raise NotFound("swimlane", board_id)
        ids = [p.id for p in assignees]
        body: dict[str, Any] = {
            "title": title, "description": description, "swimlaneId": str(lanes[0]["_id"]),
            "authorId": await self.session.user_id(),  # required ≤ v10.91, ignored after
            "assignees": ids, "members": ids,
        }
        if due_at is not None:
            body["dueAt"] = convert.iso(due_at)
        card_id = await self.client.create_card(board_id, list_id, body)
        card = await self.card(card_id)
        if due_at is not None and not _same_moment(card.due_at, due_at):
            # Dates are ignored on create before v9.65 (§5.6): set it again, then re-read.
            await self.client.update_card(board_id, card.list_id, card_id,
                                          {"dueAt": convert.iso(due_at)})
            card = await self.card(card_id)
        _verify_created(card, list_id, ids, due_at)
        return card

    async def move_card(self, card: Card, list_id: str) -> Card:
        try:
            await self.client.update_card(card.board_id, card.list_id, card.id,
                                          {"listId": list_id})
        except WekanUnavailable:
            # Before v9.71 a move answered 500 after moving (#6423): the read-back decides.
            moved = await self.card(card.id)
            if moved.list_id != list_id:
                raise
            return moved
        moved = await self.card(card.id)
        if moved.list_id != list_id or moved.archived:
            raise WriteNotApplied("move", f"{card.id} still in {moved.list_id}")
        return moved


def _same_moment(found: datetime | None, wanted: datetime) -> bool:
    return found is not None and abs(found - wanted) < DATE_TOLERANCE


def _verify_created(card: Card, list_id: str, assignees: list[str],
                    due_at: datetime | None) -> None:
    if card.list_id != list_id:
        raise WriteNotApplied("list", card.id)
    if not set(assignees) <= set(card.assignees):
        raise WriteNotApplied("assignees", card.id)
    if due_at is not None and not _same_moment(card.due_at, due_at):
        raise WriteNotApplied("due date", card.id)


def _has_active_member(doc: dict[str, Any], person_id: str) -> bool:
    members = doc.get("members") if isinstance(doc.get("members"), list) else []
    return any(
        isinstance(m, dict) and m.get("userId") == person_id and m.get("isActive", True)
        for m in members or []
    )


def _documents(doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
    found = doc.get(key)
    if not isinstance(found, list):
        return []
    return [x for x in found if isinstance(x, dict) and "_id" in x]
