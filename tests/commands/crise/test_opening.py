"""/crise ouvrir to /crise clore through the whole pipeline, against sandbox services."""

from __future__ import annotations

from composition.testing import AGENT, CRISIS_LEAD
from tests.commands.crise.conftest import Crisis


async def test_smoke(crisis: Crisis) -> None:
    sent = await crisis.bot.say("/crise ouvrir Inondation du datacenter --gravite 1 --avec @jean @marie",
                                user=CRISIS_LEAD)
    print(crisis.text(sent))
    for s in crisis.bot.chat.sent:
        print(s.room_id, s.direct_to, s.message.text[:150])
    assert False
