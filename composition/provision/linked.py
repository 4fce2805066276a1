"""The boards linked to rooms in the bot's store: the ones whose webhook should point at it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.store import Database
from commands.kanban.store import BoardLinks


async def linked_boards(store_url: str) -> list[str]:
    """Board ids of every `/kanban lier`; none for a store not created yet (nothing is made)."""
    url = make_url(store_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        return []
    database = Database(store_url)
    try:
        return sorted({link.board_id for link in await BoardLinks(database).all()})
    except SQLAlchemyError:  # a store the bot never migrated: no link yet
        return []
    finally:
        await database.close()
