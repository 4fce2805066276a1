"""`ensemble-sandbox demo` with piped input: what Rocket.Chat refuses is shown at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from sandbox.demo import ChatClient, _handle_line
from sandbox.rocketchat import RocketChatSandbox

EXECUTABLE = Path(sys.executable).parent / "ensemble-sandbox"
TOO_LONG = "x" * 5001  # Message_MaxAllowedSize is 5000 by default
REFUSAL = "Message size exceeds Message_MaxAllowedSize [error-message-size-exceeded]"


@pytest.fixture
async def rocketchat() -> AsyncIterator[RocketChatSandbox]:
    server = RocketChatSandbox()
    await server.start()
    yield server
    await server.stop()


async def test_a_refused_line_is_answered_with_the_refusal_without_waiting(
    rocketchat: RocketChatSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing was posted, so nothing will answer: the demo must not wait its 15 s."""
    async with aiohttp.ClientSession() as http:
        client = ChatClient(http, rocketchat.url, "marie", "equipe-projet")
        async with asyncio.timeout(3):
            assert await _handle_line(client, TOO_LONG) is True
    assert capsys.readouterr().out == f"(Rocket.Chat a refusé\u202f: {REFUSAL})\n"
    posted = rocketchat.state.messages("equipe-projet", None)
    assert all(message["msg"] != TOO_LONG for message in posted)


def test_the_demo_shows_rocket_chats_refusal_of_a_piped_over_long_message() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ENSEMBLE_")}
    result = subprocess.run(
        [str(EXECUTABLE), "demo"], input=f"{TOO_LONG}\n!aide\n", capture_output=True,
        text=True, timeout=120, env=clean, check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"(Rocket.Chat a refusé\u202f: {REFUSAL})"
    assert "Ce que je sais faire" in result.stdout  # the next line still gets its answer
