"""The accueil tables on SQLite and PostgreSQL: claims hold once, savings add up per month."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.store import Database
from commands.accueil.feature import feature
from commands.accueil.store import Arrivals, Ecogestes

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def test_activation_welcomes_suggestions_and_savings(store_url: str) -> None:
    database = Database(store_url)
    try:
        assert feature.migrations is not None
        await database.migrate([feature.migrations])
        arrivals, ecogestes = Arrivals(database), Ecogestes(database)
        assert await arrivals.activated_at(NOW) == NOW
        assert await arrivals.activated_at(NOW + timedelta(days=3)) == NOW  # the first start
        assert await arrivals.claim("u1", "paul", NOW)
        assert not await arrivals.claim("u1", "paul", NOW)
        await arrivals.release("u1")
        assert await arrivals.claim("u1", "paul", NOW)

        day = date(2026, 12, 2)
        assert await ecogestes.claim_suggestion("u1", day)
        assert not await ecogestes.claim_suggestion("u1", day)
        assert await ecogestes.claim_suggestion("u1", day + timedelta(days=1))
        await ecogestes.set_off("room", "r1", True, NOW)
        assert await ecogestes.is_off("u2", "r1") and not await ecogestes.is_off("u2", "r2")
        await ecogestes.set_off("room", "r1", False, NOW)
        assert not await ecogestes.is_off("u2", "r1")

        big = 3 * 1024**3  # beyond 32 bits: the columns are BIGINT
        for message, at in (("m1", NOW), ("m2", NOW), ("m3", NOW + timedelta(days=31))):
            assert await ecogestes.record_moved(message, room_id="r1", files=1, size=big,
                                                members=4, at=at)
        assert not await ecogestes.record_moved("m1", room_id="r1", files=1, size=big,
                                                members=4, at=NOW)
        months = await ecogestes.by_month()
        assert [(m.month, m.files, m.bytes, m.copies_bytes) for m in months] == [
            ("2026-12", 2, 2 * big, 8 * big), ("2027-01", 1, big, 4 * big),
        ]
    finally:
        await database.close()
