"""`ensemble-bot provision` against the three simulated servers, as an operator runs it: the
first run creates the bot's accounts and writes the env file, the bot started from that file
answers in a room it was added to, and a second run changes nothing and says so."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.store import Database
from commands import kanban
from commands.kanban.store import BoardLinks
from sandbox.rocketchat.state import seed as chat_seed
from sandbox.stack import SandboxStack
from sandbox.wekan import seed as board_seed
from tests.e2e.conftest import EXECUTABLE, free_port, start_bot, stop_bot
from tests.sandbox.rocketchat.png import png

BOT = "robot-ensemble"  # the simulators already hold an `ensemble-bot`: provision a new one
ROOM = "pilotes"


@pytest.fixture
async def avatar_url() -> AsyncIterator[str]:
    """An image on loopback: Rocket.Chat downloads the avatar URL it is given."""
    app = web.Application()

    async def image(_: web.Request) -> web.Response:
        return web.Response(body=png(64, 64), content_type="image/png")

    app.router.add_get("/ensemble.png", image)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/ensemble.png"
    await runner.cleanup()


async def _provision(stack: SandboxStack, env_file: Path, webhook_port: int, avatar: str,
                     *extra: str) -> tuple[int, str]:
    assert stack.wekan.seeded is not None
    board = stack.wekan.seeded.board_id
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENSEMBLE_", "PROVISION_"))}
    env.update({
        "PROVISION_ROCKETCHAT_ADMIN_PASSWORD": chat_seed.password_for("admin"),
        "PROVISION_NEXTCLOUD_ADMIN_PASSWORD": "admin-sandbox-password",
        "PROVISION_WEKAN_ADMIN_PASSWORD": board_seed.ADMIN_PASSWORD,
    })
    process = await asyncio.create_subprocess_exec(
        str(EXECUTABLE), "provision", "--env-file", str(env_file), "--bot-username", BOT,
        "--rocketchat-url", stack.rocketchat.url, "--room", ROOM, "--room", "general",
        "--bot-avatar-url", avatar,
        "--allow-unrecognized-slash-commands",
        "--nextcloud-url", stack.nextcloud.url, "--nextcloud-group", "ensemble",
        "--wekan-url", stack.wekan.url, "--wekan-board", board,
        "--webhook-url", f"http://127.0.0.1:{webhook_port}/hooks/wekan",
        "--jitsi-url", "https://visio.example.org", *extra,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, output.decode()


def _values(env_file: Path) -> dict[str, str]:
    lines = env_file.read_text("utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def _server_counts(stack: SandboxStack) -> tuple[int, ...]:
    chat = stack.rocketchat.state.store
    cloud = stack.nextcloud.state.directory
    return (len(chat.users), len(chat.tokens), len(chat.rooms[chat.room(ROOM).id].members),
            len(cloud.accounts), sum(len(a.app_passwords) for a in cloud.accounts.values()),
            len(stack.wekan.store.users), len(stack.wekan.store.integrations))


async def test_provision_twice_then_the_bot_answers(
    stack: SandboxStack, tmp_path: Path, avatar_url: str
) -> None:
    stack.rocketchat.state.create_room(ROOM, "p", ["admin", "marie"], owner="admin")
    env_file = tmp_path / "ensemble.env"
    env_file.write_text("# kept\nENSEMBLE_TIMEZONE=Europe/Paris\n", "utf-8")
    port = free_port()

    code, first = await _provision(stack, env_file, port, avatar_url)
    assert code == 0, first
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    values = _values(env_file)
    assert values["ENSEMBLE_TIMEZONE"] == "Europe/Paris"
    assert "# kept" in env_file.read_text("utf-8")
    secrets = [values[name] for name in ("ENSEMBLE_ROCKETCHAT__TOKEN",
                                         "ENSEMBLE_NEXTCLOUD__APP_PASSWORD",
                                         "ENSEMBLE_WEKAN__PASSWORD",
                                         "ENSEMBLE_WEKAN__WEBHOOK_TOKEN",
                                         "ENSEMBLE_JITSI__APP_SECRET")]
    assert all(secrets)
    assert [secret for secret in secrets if secret in first] == []  # never printed unasked
    assert f"created the user {BOT}" in first
    assert f"added the bot to #{ROOM}" in first
    assert "site admin" in first  # Wekan's API cannot grant it: left to a person, said why

    chat = stack.rocketchat.state.store
    bot = chat.user(BOT)
    assert "bot" in bot.roles and bot.avatar_etag is not None
    assert chat.settings["Message_AllowUnrecognizedSlashCommand"] is True
    assert chat.has_permission(bot, "view-full-other-user-info")
    assert "ensemble" in stack.nextcloud.state.directory.groups_of(BOT)
    (hook,) = stack.wekan.store.integrations.values()
    assert hook.token == values["ENSEMBLE_WEKAN__WEBHOOK_TOKEN"]
    before = env_file.read_bytes()
    counts = _server_counts(stack)

    code, second = await _provision(stack, env_file, port, avatar_url)
    assert code == 0, second
    assert "Nothing to change" in second, second
    assert [line for line in second.splitlines() if line.startswith("changed")] == []
    assert env_file.read_bytes() == before
    assert _server_counts(stack) == counts

    shown = await _provision(stack, env_file, port, avatar_url, "--show-secrets")
    assert values["ENSEMBLE_ROCKETCHAT__TOKEN"] in shown[1]  # printed only when asked

    env = {name: value for name, value in values.items() if name.startswith("ENSEMBLE_")}
    running = await start_bot(stack.rocketchat, tmp_path, env)
    try:
        stack.rocketchat.state.post("marie", ROOM, "!aide")

        def answered() -> bool:
            return any(m["u"]["username"] == BOT and "Ce que je sais faire" in m.get("msg", "")
                       for m in stack.rocketchat.state.messages(ROOM))

        await running.wait_for(answered, what="the provisioned bot's /aide, in French")
    finally:
        await stop_bot(running)


async def test_an_unreachable_server_is_named_and_the_others_are_still_set_up(
    stack: SandboxStack, tmp_path: Path
) -> None:
    env_file = tmp_path / "ensemble.env"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENSEMBLE_", "PROVISION_"))}
    env.update({"PROVISION_ROCKETCHAT_ADMIN_PASSWORD": "whatever-it-is",
                "PROVISION_NEXTCLOUD_ADMIN_PASSWORD": "admin-sandbox-password"})
    process = await asyncio.create_subprocess_exec(
        str(EXECUTABLE), "provision", "--env-file", str(env_file), "--bot-username", BOT,
        "--rocketchat-url", f"http://127.0.0.1:{free_port()}",
        "--nextcloud-url", stack.nextcloud.url,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output = (await asyncio.wait_for(process.communicate(), 60))[0].decode()
    assert process.returncode == 1
    assert "error    Rocket.Chat: cannot reach http://127.0.0.1:" in output
    assert "Traceback" not in output and "whatever-it-is" not in output
    assert _values(env_file)["ENSEMBLE_NEXTCLOUD__USERNAME"] == BOT


async def test_the_boards_linked_in_the_store_get_their_webhook(
    stack: SandboxStack, tmp_path: Path
) -> None:
    assert stack.wekan.seeded is not None and kanban.feature.migrations is not None
    store_url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    database = Database(store_url)
    await database.migrate([kanban.feature.migrations])
    await BoardLinks(database).link("r-team", stack.wekan.seeded.board_id, "Équipe projet", "u")
    await database.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENSEMBLE_", "PROVISION_"))}
    env.update({"PROVISION_WEKAN_ADMIN_PASSWORD": board_seed.ADMIN_PASSWORD,
                "ENSEMBLE_STORE__URL": store_url})
    process = await asyncio.create_subprocess_exec(
        str(EXECUTABLE), "provision", "--env-file", str(tmp_path / "ensemble.env"),
        "--bot-username", BOT, "--wekan-url", stack.wekan.url, "--linked-boards",
        "--webhook-url", "http://127.0.0.1:9/hooks/wekan",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output = (await asyncio.wait_for(process.communicate(), 60))[0].decode()
    assert process.returncode == 0, output
    (hook,) = stack.wekan.store.integrations.values()
    assert (hook.board_id, hook.url) == (stack.wekan.seeded.board_id,
                                         "http://127.0.0.1:9/hooks/wekan")
