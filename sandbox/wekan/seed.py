"""The identities and board shared by every sandbox (helpers' PREAMBLE)."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Member
from .store import WekanStore

BOT_USERNAME = "ensemble-bot"
BOT_PASSWORD = "ensemble-bot-wekan-password"
ADMIN_PASSWORD = "admin-wekan-password"
AGENT_PASSWORD = "agent-wekan-password"
WEBHOOK_TOKEN = "wekan-webhook-token-0123456789abcdef"
BOARD_TITLE = "Équipe projet"
LIST_TITLES = ("À faire", "En cours", "Fait")
AGENTS = {"marie": "Marie Curie", "jean": "Jean Moulin", "sophie": "Sophie Germain",
          "luc": "Luc Besson", "alice": "Alice Guy"}


@dataclass(frozen=True)
class Seeded:
    board_id: str
    swimlane_id: str
    list_ids: dict[str, str]


def seed(store: WekanStore) -> Seeded:
    """The bot is a site admin (only admins resolve usernames to ids: W server/models/users.js)."""
    bot = store.add_user(BOT_USERNAME, "ENSEMBLE", BOT_PASSWORD, is_admin=True)
    store.add_user("admin", "Administrateur", ADMIN_PASSWORD, is_admin=True)
    agents = {name: store.add_user(name, full, AGENT_PASSWORD) for name, full in AGENTS.items()}
    board, lane = store.add_board(BOARD_TITLE, bot.id)
    board.members += [Member(user_id=agents[name].id) for name in ("marie", "jean")]
    lists = {title: store.add_list(board.id, title, lane.id).id for title in LIST_TITLES}
    return Seeded(board_id=board.id, swimlane_id=lane.id, list_ids=lists)
