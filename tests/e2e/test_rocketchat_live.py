"""The real CLI process against the sandbox Rocket.Chat: threads, restarts, 429s, re-emissions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from bot.store import Database
from bot.store.tables import CHAT_MARKS
from integrations.rocketchat.wire import message_id_for
from sandbox.rocketchat import RocketChatSandbox
from tests.e2e.conftest import RunningBot, start_bot, stop_bot

ROOM = "equipe-projet"


def reply_id(command_id: str) -> str:
    return message_id_for(f"{command_id}:reply:1")


async def test_a_command_in_a_thread_is_answered_in_that_thread(live_bot: RunningBot) -> None:
    state = live_bot.sandbox.state
    parent = state.post("jean", ROOM, "Qui a le compte rendu ?").message["_id"]
    command = state.post("marie", ROOM, "!aide", tmid=parent).message["_id"]
    await live_bot.wait_for(lambda: len(live_bot.bot_messages(ROOM)) == 1, what="a reply")
    reply = live_bot.bot_messages(ROOM)[0]
    assert reply["_id"] == reply_id(command)
    assert reply["tmid"] == parent
    assert reply["msg"].startswith("**Ce que je sais faire**")


async def test_slash_command_from_a_mobile_client_is_answered(live_bot: RunningBot) -> None:
    command = live_bot.sandbox.state.post("marie", ROOM, "/langue en", client="mobile")
    await live_bot.wait_for(lambda: len(live_bot.bot_messages(ROOM)) == 1, what="a reply")
    reply = live_bot.bot_messages(ROOM)[0]
    assert reply["msg"] == "From now on I will answer you in English."
    # A top-level command gets its answer in a thread started on it, also shown in the room.
    assert (reply["tmid"], reply.get("tshow")) == (command.message["_id"], True)


async def test_every_command_answered_once_across_five_restarts(live_bot: RunningBot) -> None:
    state = live_bot.sandbox.state
    commands: list[str] = []
    for index in range(200):
        if index % 40 == 20:
            while not await live_bot.ready():  # each restart cuts a live session
                await asyncio.sleep(0.05)
            await live_bot.sandbox.runtime.restart()
        commands.append(state.post("marie", ROOM, "!langue fr").message["_id"])
        await asyncio.sleep(0.01)
    await live_bot.wait_for(
        lambda: len(live_bot.bot_messages(ROOM)) >= 200, timeout=90, what="200 replies"
    )
    await asyncio.sleep(1.0)  # anything late and duplicated would show up now
    replies = [m["_id"] for m in live_bot.bot_messages(ROOM)]
    assert len(replies) == 200
    assert set(replies) == {reply_id(c) for c in commands}
    assert "ensemble_reconnects_total 5.0" in await live_bot.metrics()


async def test_a_rate_limit_storm_drops_nothing(live_bot: RunningBot) -> None:
    runtime = live_bot.sandbox.runtime
    runtime.faults.update({"rate_limit_storm": True})
    state = live_bot.sandbox.state
    commands = [state.post("marie", ROOM, "!aide").message["_id"] for _ in range(10)]
    await asyncio.sleep(1.5)
    assert live_bot.bot_messages(ROOM) == []  # every send was refused with a 429 so far
    runtime.faults.update({"rate_limit_storm": False})
    await live_bot.wait_for(
        lambda: len(live_bot.bot_messages(ROOM)) == 10, timeout=60, what="10 replies"
    )
    assert {m["_id"] for m in live_bot.bot_messages(ROOM)} == {reply_id(c) for c in commands}


async def test_own_messages_edits_and_reemitted_ids_never_trigger_twice(
    live_bot: RunningBot,
) -> None:
    state = live_bot.sandbox.state
    command = state.post("marie", ROOM, "!aide").message["_id"]
    await live_bot.wait_for(lambda: len(live_bot.bot_messages(ROOM)) == 1, what="a reply")
    state.edit("marie", command, "!langue en")
    state.react("jean", command, ":thumbsup:")
    state.post("jean", ROOM, "merci", tmid=command)
    state.pin("admin", command)
    # A command with a link comes back once more when its preview is filled in (Rocket.Chat
    # 7.x apps/meteor/app/oembed/server/server.ts).
    state.post("marie", ROOM, "!aide https://cloud.example.org/s/abc")
    await live_bot.wait_for(lambda: len(live_bot.bot_messages(ROOM)) == 2, what="2nd reply")
    await asyncio.sleep(1.5)
    assert len(live_bot.bot_messages(ROOM)) == 2


async def test_a_public_room_without_the_bot_is_ignored(live_bot: RunningBot) -> None:
    live_bot.sandbox.state.post("marie", "sans-bot", "!aide")
    live_bot.sandbox.state.post("marie", ROOM, "!aide")  # a marker that the bot is listening
    await live_bot.wait_for(lambda: len(live_bot.bot_messages(ROOM)) == 1, what="the marker")
    await asyncio.sleep(0.5)
    assert live_bot.bot_messages("sans-bot") == []


async def test_a_public_channel_the_bot_was_kicked_from_gets_no_answer(
    live_bot: RunningBot,
) -> None:
    state = live_bot.sandbox.state
    state.post("marie", "general", "!aide")
    await live_bot.wait_for(lambda: len(live_bot.bot_messages("general")) == 1, what="a reply")
    # A real server tells the kicked bot only through subscriptions-changed, and keeps
    # sending it the channel's traffic on __my_messages__ with roomParticipant false.
    state.kick("admin", "general", "ensemble-bot")
    await asyncio.sleep(0.5)
    state.post("marie", "general", "!aide")
    state.post("marie", ROOM, "!aide")  # a marker that the bot is listening
    await live_bot.wait_for(lambda: len(live_bot.bot_messages(ROOM)) == 1, what="the marker")
    await asyncio.sleep(0.5)
    assert len(live_bot.bot_messages("general")) == 1


async def test_commands_typed_while_the_bot_was_down_are_answered_once(
    live_bot: RunningBot, tmp_path: Path
) -> None:
    state = live_bot.sandbox.state
    first = state.post("marie", ROOM, "!aide").message["_id"]
    await live_bot.wait_for(lambda: len(live_bot.bot_messages(ROOM)) == 1, what="a reply")
    await stop_bot(live_bot)
    missed = state.post("marie", ROOM, "!langue en").message["_id"]
    again = await start_bot(live_bot.sandbox, tmp_path)
    try:
        await again.wait_for(lambda: len(again.bot_messages(ROOM)) == 2, what="catch-up")
        await asyncio.sleep(0.5)
        assert [m["_id"] for m in again.bot_messages(ROOM)] == [reply_id(first), reply_id(missed)]
    finally:
        await stop_bot(again)


async def test_a_new_store_answers_only_what_is_said_once_it_runs_and_catches_up_its_gap(
    rocketchat: RocketChatSandbox, tmp_path: Path
) -> None:
    """A new database must not replay the chat's last hour (meetings created again, stray
    replies); a restart on the same store still answers what was said while it was down."""
    state = rocketchat.state
    before = state.post("marie", ROOM, "!langue en").message["_id"]
    state.direct_post("marie", "ensemble-bot", "aide")
    bot = await start_bot(rocketchat, tmp_path)
    try:
        state.react("jean", before, ":thumbsup:")  # streams the old command again
        first = state.post("marie", ROOM, "!aide").message["_id"]
        await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) == 1, what="a reply")
    finally:
        await stop_bot(bot)
    missed = state.post("marie", ROOM, "!aide").message["_id"]
    again = await start_bot(rocketchat, tmp_path)  # the same SQLite file
    try:
        await again.wait_for(lambda: len(again.bot_messages(ROOM)) == 2, what="catch-up")
        await asyncio.sleep(1.0)  # anything replayed from before the first start shows now
        assert [m["_id"] for m in again.bot_messages(ROOM)] == [reply_id(first), reply_id(missed)]
        assert _bot_dms(again, "marie") == []
    finally:
        await stop_bot(again)


async def test_after_a_long_outage_commands_older_than_the_window_get_no_answer(
    rocketchat: RocketChatSandbox, tmp_path: Path
) -> None:
    state = rocketchat.state
    bot = await start_bot(rocketchat, tmp_path)
    await stop_bot(bot)
    await _pretend_the_store_last_ran(tmp_path / "bot.db", hours_ago=3)
    stale = _post_ago(rocketchat, 120, "!langue en")
    state.react("jean", stale, ":eyes:")  # touched since: the sync lists it again
    recent = _post_ago(rocketchat, 30, "!aide")
    again = await start_bot(rocketchat, tmp_path)
    try:
        await again.wait_for(lambda: len(again.bot_messages(ROOM)) == 1, what="catch-up")
        state.react("sophie", stale, ":tada:")
        await asyncio.sleep(1.0)
        assert [m["_id"] for m in again.bot_messages(ROOM)] == [reply_id(recent)]
    finally:
        await stop_bot(again)


def _post_ago(sandbox: RocketChatSandbox, minutes: float, text: str) -> str:
    """A command stamped `minutes` ago by the server's clock, as if typed then."""
    clock = sandbox.state.store.clock
    clock.advance(-minutes * 60)
    try:
        return str(sandbox.state.post("marie", ROOM, text).message["_id"])
    finally:
        clock.advance(minutes * 60)


async def _pretend_the_store_last_ran(path: Path, hours_ago: float) -> None:
    then = datetime.now(UTC) - timedelta(hours=hours_ago)
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await database.execute(
            update(CHAT_MARKS).values(first_seen_at=then - timedelta(days=1), handled_until=then)
        )
    finally:
        await database.close()


async def test_metrics_count_commands_and_readiness_follows_the_connection(
    live_bot: RunningBot,
) -> None:
    live_bot.sandbox.state.post("marie", ROOM, "!aide")
    live_bot.sandbox.state.post("marie", ROOM, "!aide --nope")
    await live_bot.wait_for(lambda: len(live_bot.bot_messages(ROOM)) == 2, what="two replies")
    # A command is counted when its whole chain ends (audit row written), which can be just
    # after its reply reached the room: wait for the count rather than race it.
    await live_bot.wait_for_async(
        lambda: _metrics_show(live_bot, 'ensemble_command_seconds_count{command="aide"} 2.0'),
        what="both commands counted",
    )
    metrics = await live_bot.metrics()
    assert 'ensemble_commands_total{command="aide",outcome="ok"} 1.0' in metrics
    assert 'ensemble_commands_total{command="aide",outcome="invalid"} 1.0' in metrics
    assert 'ensemble_command_seconds_count{command="aide"} 2.0' in metrics
    assert "ensemble_outbound_queue_depth 0.0" in metrics
    assert "ensemble_leader 1.0" in metrics
    assert await live_bot.ready()
    await live_bot.sandbox.stop()
    await live_bot.wait_for_async(lambda: _not_ready(live_bot), what="readyz 503")


async def _metrics_show(bot: RunningBot, line: str) -> bool:
    return line in await bot.metrics()


async def _not_ready(bot: RunningBot) -> bool:
    return not await bot.ready()


async def test_a_room_the_bot_joins_while_running_is_served_at_once(
    live_bot: RunningBot,
) -> None:
    state = live_bot.sandbox.state
    state.create_room("cellule-crise", "p", ["sophie", "ensemble-bot"], owner="sophie")
    command = state.post("sophie", "cellule-crise", "!aide").message["_id"]
    await live_bot.wait_for(
        lambda: len(live_bot.bot_messages("cellule-crise")) == 1, what="a reply in the new room"
    )
    assert live_bot.bot_messages("cellule-crise")[0]["_id"] == reply_id(command)


async def test_slash_commands_follow_the_unrecognized_slash_command_setting(
    live_bot: RunningBot,
) -> None:
    state = live_bot.sandbox.state
    state.update_settings({"Message_AllowUnrecognizedSlashCommand": False})
    refused = state.post("marie", ROOM, "/aide", client="web")
    assert not refused.sent  # the web client keeps it: the bot cannot see it
    state.post("marie", ROOM, "!aide", client="web")
    await live_bot.wait_for(lambda: len(live_bot.bot_messages(ROOM)) == 1, what="!aide")
    state.update_settings({"Message_AllowUnrecognizedSlashCommand": True})
    assert state.post("marie", ROOM, "/aide", client="web").sent
    await live_bot.wait_for(lambda: len(live_bot.bot_messages(ROOM)) == 2, what="/aide")


async def test_the_bot_waits_for_an_unreachable_server_then_serves(
    rocketchat: RocketChatSandbox, tmp_path: Path
) -> None:
    url = rocketchat.url
    port = int(url.rsplit(":", 1)[1])
    env = {**rocketchat.env()}
    await rocketchat.stop()
    bot = await start_bot(rocketchat, tmp_path, env, wait_ready=False)
    try:
        await asyncio.sleep(1.5)
        assert bot.process.returncode is None  # still running, not crashed
        assert not await bot.ready()
        await rocketchat.start(port=port)
        await bot.wait_for_async(bot.ready, timeout=40, what="ready once the server is up")
        rocketchat.state.post("marie", ROOM, "!aide")
        await bot.wait_for(lambda: len(bot.bot_messages(ROOM)) == 1, what="a reply")
    finally:
        await stop_bot(bot)


async def test_a_wrong_token_is_reported_by_name(
    rocketchat: RocketChatSandbox, tmp_path: Path
) -> None:
    env = {**rocketchat.env(), "ENSEMBLE_ROCKETCHAT__TOKEN": "not-the-token"}
    bot = await start_bot(rocketchat, tmp_path, env, wait_ready=False)
    try:
        await asyncio.sleep(1.5)
        assert not await bot.ready()
        log = bot.log_path.read_text()
        assert "ENSEMBLE_ROCKETCHAT__TOKEN" in log and "not-the-token" not in log
    finally:
        await stop_bot(bot)


async def test_in_a_read_only_room_the_answer_comes_by_direct_message(
    live_bot: RunningBot,
) -> None:
    """An announcement room takes messages from its owners only, not from the bot role."""
    state = live_bot.sandbox.state
    state.create_room("annonces", "p", ["marie", "ensemble-bot"], owner="marie", read_only=True)
    await asyncio.sleep(0.3)  # the bot hears of its new room (rooms-changed inserted)
    state.post("marie", "annonces", "!aide")
    state.post("marie", "annonces", "!langue xx")  # a usage error, answered the same way
    await live_bot.wait_for(lambda: len(_bot_dms(live_bot, "marie")) == 2, what="two DMs")
    texts = [m["msg"] for m in _bot_dms(live_bot, "marie")]
    note = "Je ne peux pas écrire dans #annonces, voici donc ma réponse\u202f:\n"
    assert all(text.startswith(note) for text in texts), texts
    assert sum("**Ce que je sais faire**" in text for text in texts) == 1  # the help
    assert sum("xx" in text for text in texts) == 1  # the usage error
    assert live_bot.bot_messages("annonces") == []


def _bot_dms(bot: RunningBot, username: str) -> list[dict[str, Any]]:
    return [m for m in bot.sandbox.state.dms(username) if m["u"]["username"] == "ensemble-bot"]
