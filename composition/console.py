"""`ensemble-bot console`: talk to the bot from a terminal through an in-memory chat."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from bot.memory_chat import MemoryChat, Sent
from bot.models import Room, RoomType, User
from bot.rendering import render_message
from composition.root import build_application
from composition.settings import EnsembleSettings as Settings

CONSOLE_USER = User("u-console", "agent", "Agent console", frozenset({"user"}))
PROMPT = "vous> "


async def run_console(settings: Settings, *, persist: bool = False) -> int:
    # One person at a terminal, often piping a file of commands: nobody to protect the bot from.
    unlimited = settings.rate_limit.model_copy(update={"enabled": False})
    settings = settings.model_copy(update={"rate_limit": unlimited})
    with tempfile.TemporaryDirectory(prefix="ensemble-console-") as scratch:
        if not persist:
            url = f"sqlite+aiosqlite:///{Path(scratch) / 'console.db'}"
            store = settings.store.model_copy(update={"url": url})
            settings = settings.model_copy(update={"store": store})
        return await _session(settings)


async def _session(settings: Settings) -> int:
    chat = MemoryChat(settings.rocketchat.username)
    chat.add_user(CONSOLE_USER)
    room = chat.add_room(Room("dm-agent", "agent", RoomType.DIRECT), ["bot", CONSOLE_USER.id])
    app = build_application(settings, chat, serve_http=False)
    chat.listeners.append(_print_sent)
    await app.start()
    interactive = sys.stdin.isatty()
    try:
        while True:
            line = await _read_line(interactive)
            if line is None:
                break
            if line.strip():
                await app.handle(chat.event(CONSOLE_USER, room, line.strip()))
    finally:
        await app.stop()
    return 0


async def _read_line(interactive: bool) -> str | None:
    if interactive:
        try:
            return await asyncio.to_thread(input, PROMPT)
        except EOFError:
            return None
    line = await asyncio.to_thread(sys.stdin.readline)
    return line if line else None


async def _print_sent(sent: Sent) -> None:
    where = "DM" if sent.direct_to else sent.room_id
    print(f"ensemble ({where})> {render_message(sent.message)}", flush=True)
