"""The Rocket.Chat transport pointed at a fresh sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.ports import ResumeFrom
from integrations.rocketchat.settings import RocketChatSettings
from integrations.rocketchat.transport import RocketChatTransport
from sandbox.rocketchat import RocketChatSandbox

Chat = tuple[RocketChatTransport, RocketChatSandbox]


async def from_now() -> datetime:
    """The resume point of a store that never saw the chat."""
    return datetime.now(UTC)


def resume_at(moment: datetime) -> ResumeFrom:
    async def since() -> datetime:
        return moment

    return since


def transport_for(
    sandbox: RocketChatSandbox, settings: dict[str, Any] | None = None, **options: float
) -> RocketChatTransport:
    """`settings` other than the connection's (RocketChatSettings fields); `options` for the
    transport itself."""
    env = sandbox.env()
    return RocketChatTransport(
        RocketChatSettings(
            url=env["ENSEMBLE_ROCKETCHAT__URL"],
            user_id=env["ENSEMBLE_ROCKETCHAT__USER_ID"],
            token=env["ENSEMBLE_ROCKETCHAT__TOKEN"],
            **(settings or {}),
        ),
        **options,
    )


@pytest.fixture
async def chat() -> AsyncIterator[Chat]:
    """A transport (not started: REST only until a test starts it) and its sandbox."""
    sandbox = RocketChatSandbox()
    await sandbox.start()
    transport = transport_for(sandbox)
    yield transport, sandbox
    await transport.close()
    await sandbox.stop()
