"""`ensemble-bot console`: talk to the bot from a terminal through an in-memory chat."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.feature import Feature
from bot.memory_chat import MemoryChat, Sent
from bot.models import Room, RoomType, User
from bot.rendering import render_message
from bot.store import Database
from bot.store.database import CORE_VERSIONS_DIR
from composition.features import DEFAULT_FEATURES
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
            file = Path(scratch) / "console.db"
            await new_store(file, DEFAULT_FEATURES)
            url = f"sqlite+aiosqlite:///{file}"
            store = settings.store.model_copy(update={"url": url})
            settings = settings.model_copy(update={"store": store})
        return await _session(settings)


def _template(features: Sequence[Feature]) -> Path | None:
    """Where a store migrated with exactly these revision files (and library versions) is
    kept between sessions; None when there is no cache folder to keep it in."""
    digest = hashlib.sha256()
    for library in ("sqlalchemy", "alembic"):
        try:
            digest.update(f"{library} {version(library)}".encode())
        except PackageNotFoundError:
            return None
    locations = [CORE_VERSIONS_DIR, *(f.migrations for f in features if f.migrations)]
    for location in locations:
        for path in sorted(Path(location).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ensemble-bot"
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return cache / f"console-store-{digest.hexdigest()[:20]}.db"


async def new_store(target: Path, features: Sequence[Feature]) -> None:
    """The session's throwaway store, copied from one an earlier session migrated: creating
    the schema loads Alembic and runs every revision (0.15-0.45 s, most of a session's time
    after its imports). Without a cache folder, the Application migrates `target` itself."""
    template = _template(features)
    if template is None:
        return
    if not template.is_file():
        partial = template.with_name(f"{template.name}.{os.getpid()}.partial")
        database = Database(f"sqlite+aiosqlite:///{partial}")
        try:
            await database.migrate([f.migrations for f in features if f.migrations])
        finally:
            await database.close()
        if Path(f"{partial}-wal").exists():  # not all in the file yet: no template this time
            return
        os.replace(partial, template)  # another session may have made it too: same content
    shutil.copyfile(template, target)


async def _session(settings: Settings) -> int:
    chat = MemoryChat(settings.rocketchat.username)
    chat.add_user(CONSOLE_USER)
    room = chat.add_room(Room("dm-agent", "agent", RoomType.DIRECT), ["bot", CONSOLE_USER.id])
    app = build_application(settings, chat, serve_http=False, endpoints=False)
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
