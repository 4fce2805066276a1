"""`ensemble-sandbox demo`: the sandbox servers, the bot on them, a chat client in this terminal.

You chat as a seeded agent in a seeded room through the sandbox's control API, like any outside
driver would; the bot runs unchanged on its Rocket.Chat transport.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

from bot.ports import ChatTransport
from composition.cli import load_settings
from composition.root import build_service
from sandbox.stack import SandboxStack

QUIET_SECONDS = 0.8
ANSWER_TIMEOUT_SECONDS = 15.0
POLL_SECONDS = 0.1
HELP = """Tapez un message ou une commande (/aide, !reunion…). Raccourcis du terminal :
  :bouton N   appuyer sur le bouton N du dernier message du bot
  :appel      appuyer sur le bouton d'appel du salon
  :quitter    sortir"""


NO_SUCH_BUTTON = "pas de bouton de ce numéro"


def refusal(result: dict[str, Any]) -> str | None:
    """What the server said instead of taking the action: a Meteor error (e.g. a message over
    Message_MaxAllowedSize: "Message size exceeds Message_MaxAllowedSize
    [error-message-size-exceeded]") or a client-side refusal with its ephemeral text. A link
    button that opens a page is no refusal."""
    if result.get("error"):
        return str(result["error"])
    reason = str(result.get("reason") or "")
    if result.get("sent") is False and not reason.startswith("opened-url:"):
        return str(result.get("ephemeral") or reason or "refused")
    return None


class ChatClient:
    """A user of the sandbox Rocket.Chat, driven through /_sandbox/."""

    def __init__(self, session: aiohttp.ClientSession, base: str, user: str, room: str) -> None:
        self._http = session
        self._base = base
        self.user = user
        self.room = room
        self._seen: set[str] = set()
        self.buttons: list[tuple[str, str]] = []

    async def _control(self, action: str, body: dict[str, Any]) -> str | None:
        """Runs one user action; the server's refusal, if it refused it."""
        async with self._http.post(f"{self._base}/_sandbox/{action}", json=body) as response:
            result: dict[str, Any] = await response.json()
        return refusal(result)

    async def say(self, text: str) -> str | None:
        return await self._control(
            "post", {"username": self.user, "room": self.room, "text": text}
        )

    async def press(self, index: int) -> str | None:
        """None when pressed; otherwise why not."""
        if not 1 <= index <= len(self.buttons):
            return NO_SUCH_BUTTON
        message_id, label = self.buttons[index - 1]
        return await self._control(
            "click", {"username": self.user, "message_id": message_id, "button": label}
        )

    async def call(self) -> str | None:
        return await self._control("call", {"username": self.user, "room": self.room})

    async def new_messages(self) -> list[tuple[str, dict[str, Any]]]:
        fresh: list[tuple[str, dict[str, Any]]] = []
        for where, url in (
            (self.room, f"{self._base}/_sandbox/messages?room={self.room}"),
            ("DM", f"{self._base}/_sandbox/dms?username={self.user}"),
        ):
            async with self._http.get(url) as response:
                messages = (await response.json()).get("messages", [])
            for message in messages:
                key = f"{message['_id']}:{message.get('_updatedAt')}"
                if key in self._seen or message["_id"] in self._seen:
                    continue
                self._seen.update({key, message["_id"]})
                if message.get("u", {}).get("username") != self.user:
                    fresh.append((where, message))
        return fresh

    async def mark_history_seen(self) -> None:
        await self.new_messages()


def render(where: str, message: dict[str, Any], client: ChatClient) -> str:
    author = message.get("u", {}).get("username", "?")
    thread = " (fil)" if message.get("tmid") else ""
    lines = [f"[{where}{thread}] {author}> {message.get('msg', '')}".rstrip()]
    for attachment in message.get("attachments") or []:
        if attachment.get("title"):
            link = f" <{attachment['title_link']}>" if attachment.get("title_link") else ""
            lines.append(f"    ┃ {attachment['title']}{link}")
        lines += [f"    ┃ {line}" for line in str(attachment.get("text", "")).splitlines()]
        lines += [f"    ┃ {f['title']}: {f['value']}" for f in attachment.get("fields") or []]
        for action in attachment.get("actions") or []:
            client.buttons.append((message["_id"], action.get("text", "")))
            lines.append(f"    ┃ [{len(client.buttons)}] {action.get('text')}")
    for file in message.get("files") or []:
        lines.append(f"    📎 {file.get('name')} ({file.get('size', '?')} o)")
    return "\n".join(lines)


async def _wait_for_answers(client: ChatClient) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ANSWER_TIMEOUT_SECONDS
    last_answer: float | None = None
    while loop.time() < deadline:
        fresh = await client.new_messages()
        for where, message in fresh:
            print(render(where, message, client), flush=True)
        if fresh:
            last_answer = loop.time()
        elif last_answer is not None and loop.time() - last_answer > QUIET_SECONDS:
            return
        await asyncio.sleep(POLL_SECONDS)


async def _handle_line(client: ChatClient, line: str) -> bool:
    text = line.strip()
    if not text:
        return True
    if text in (":quitter", ":quit"):
        return False
    if text.startswith(":bouton"):
        number = text.split()[-1]
        refused = await client.press(int(number)) if number.isdigit() else NO_SUCH_BUTTON
    elif text in (":appel", ":call"):
        refused = await client.call()
    else:
        refused = await client.say(text)
    if refused is not None:
        # Nothing was posted, so nothing will answer: say why now rather than wait.
        print(f"(Rocket.Chat a refusé\u202f: {refused})", flush=True)
        return True
    await _wait_for_answers(client)
    return True


async def _read_line(interactive: bool, prompt: str) -> str | None:
    if interactive:
        try:
            return await asyncio.to_thread(input, prompt)
        except EOFError:
            return None
    line = await asyncio.to_thread(sys.stdin.readline)
    return line or None


async def run_demo(user: str, room: str) -> int:
    stack = SandboxStack()
    await stack.start()
    with tempfile.TemporaryDirectory(prefix="ensemble-demo-") as scratch:
        os.environ.update(stack.env())
        os.environ.setdefault(
            "ENSEMBLE_STORE__URL", f"sqlite+aiosqlite:///{Path(scratch) / 'demo.db'}"
        )
        os.environ.setdefault("ENSEMBLE_HTTP__PORT", "0")
        os.environ.setdefault("ENSEMBLE_LOG__LEVEL", "WARNING")
        # One person trying the bot, often piping commands: the per-person limit is for abuse.
        os.environ.setdefault("ENSEMBLE_RATE_LIMIT__ENABLED", "false")
        settings = load_settings()
        if settings is None:
            await stack.stop()
            return 1
        application = build_service(settings)
        await application.start()
        try:
            await _until_ready(application.runtime.chat)
            return await _chat(stack, user, room)
        finally:
            await application.stop()
            await stack.stop()


async def _until_ready(chat: ChatTransport, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not chat.ready and loop.time() < deadline:
        await asyncio.sleep(POLL_SECONDS)


async def _chat(stack: SandboxStack, user: str, room: str) -> int:
    interactive = sys.stdin.isatty()
    async with aiohttp.ClientSession() as session:
        client = ChatClient(session, stack.rocketchat.url, user, room)
        await client.mark_history_seen()
        if interactive:
            print(f"Connecté comme {user} dans #{room}.\n{HELP}", flush=True)
        while (line := await _read_line(interactive, f"{user}> ")) is not None:
            if not await _handle_line(client, line):
                break
    return 0


def main(args: argparse.Namespace) -> int:
    return asyncio.run(run_demo(args.user, args.room))
