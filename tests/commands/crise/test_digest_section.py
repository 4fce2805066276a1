"""The open cells in a digest: the reader's own, every one for the crisis roles, with the
age of their last status update."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.digest import Recipient
from bot.i18n import Catalogs
from bot.store import Database
from commands.crise.digest import CrisisSection
from commands.crise.feature import feature
from commands.crise.store import Cells, Status

NOW = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)
FRENCH = Catalogs(PROJECT_ROOT / "locales").get("fr")


def reader(rooms: set[str], roles: frozenset[str] = frozenset({"user"})) -> Recipient:
    return Recipient(user_id="u-marie", username="marie", rooms=frozenset(rooms),
                     since=NOW - timedelta(days=1), until=NOW, horizon=NOW + timedelta(days=1),
                     tz=UTC, roles=frozenset(roles))


async def _open(cells: Cells, title: str, room_id: str, status_age: timedelta | None) -> None:
    cell = await cells.create(title=title, severity=1, room_name=f"crise-{room_id}",
                              opened_by="sophie", origin_room_id="r-support",
                              origin_message_id=f"m-{room_id}", now=NOW - timedelta(hours=5),
                              members=["sophie", "marie"])
    assert cell is not None
    await cells.update(cell.id, status=Status.OPEN, room_id=room_id,
                       last_status_at=None if status_age is None else NOW - status_age)


async def test_a_member_sees_her_cells_and_a_crisis_role_sees_them_all(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'store.db'}")
    try:
        assert feature.migrations is not None
        await database.migrate([feature.migrations])
        cells = Cells(database)
        await _open(cells, "Inondation du datacenter", "r-1", timedelta(minutes=40))
        await _open(cells, "Panne de messagerie", "r-2", None)
        section = CrisisSection(cells, frozenset({"crise"}))
        data = await section.gather(NOW - timedelta(days=1), NOW, NOW + timedelta(days=1))

        mine = data.render(reader({"r-1"}), FRENCH)
        assert mine is not None
        assert "Inondation du datacenter (gravité 1), dernier point il y a 40 minutes" in mine
        assert "Panne de messagerie" not in mine

        everything = data.render(reader(set(), frozenset({"user", "crise"})), FRENCH)
        assert everything is not None
        assert "Panne de messagerie (gravité 1), pas encore de point de situation" in everything
        assert data.render(reader({"r-elsewhere"}), FRENCH) is None
    finally:
        await database.close()
