"""What the chat's video-conference provider asks the bot when the call button is pressed.

With the companion app as the chat's provider, the chat asks for the call's URL when a call
starts, and for each person's own URL when they join: the meeting and the signed links stay
the bot's (the video server's secret never leaves it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.models import Room, User
from bot.services import ServiceKey


class UnknownCall(LookupError):
    """No meeting was opened for that call id."""


@dataclass(frozen=True, slots=True)
class CallRequest:
    call_id: str
    room: Room
    organizer: User
    # The title the caller gave, if any; the bot names the meeting after the room otherwise.
    title: str = ""


class CallPort(Protocol):
    async def open_call(self, call: CallRequest) -> str:
        """Records the call as a meeting of its room (once per call id); its tokenless URL."""
        ...

    async def join_link(self, call_id: str, user: User | None) -> str:
        """The URL `user` joins with: signed for the organizer and the room's members, the
        tokenless one (the lobby) for anyone else. UnknownCall for a call never opened."""
        ...


CALL_PORT = ServiceKey[CallPort]("Jitsi")
