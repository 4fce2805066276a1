"""/reunion and the call button, end to end through the pipeline with a fake chat and clock.

Every test ends with the same audit: no JWT in a room message, an attachment, an upload or a
log record; tokens only ever travel by direct message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import jwt
import pytest
from icalendar import Calendar
from pydantic import SecretStr

from bot.config import RateLimitSettings
from bot.memory_chat import Sent
from bot.models import Room, RoomType, User
from bot.store.repositories import AuditLog
from commands import reunion
from commands.core_feature import feature as core
from commands.reunion import Reminders
from composition.settings import EnsembleSettings as Settings
from composition.settings import JitsiSection
from composition.testing import ADMIN, AGENT, CRISIS_LEAD, TEAM_ROOM, BotHarness, make_settings
from integrations.rocketchat.settings import RocketChatSettings

SECRET = "jitsi-secret-de-la-ville-0123456789abcdef"
PARIS = ZoneInfo("Europe/Paris")
JEAN = User("u-jean", "jean", "Jean Moulin", frozenset({"user"}))
LUC = User("u-luc", "luc", "Luc Besson", frozenset({"user"}))
OUTSIDER = User("u-alice", "alice", "Alice Guy", frozenset({"user"}))
MEMBERS = (AGENT, CRISIS_LEAD, ADMIN, JEAN, LUC)
JWT_PATTERN = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+\.")
URL_WITH_TOKEN = re.compile(r"https://\S*jwt=\S+")


@dataclass
class FakeClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment


def jitsi(**overrides: Any) -> JitsiSection:
    values: dict[str, Any] = {
        "base_url": "https://visio.example.org",
        "app_id": "ensemble",
        "audience": "visio-ville",
        "xmpp_domain": "meet.jitsi",
        "app_secret": SecretStr(SECRET),
    }
    return JitsiSection(**(values | overrides))


def configured(store_url: str, **jitsi_overrides: Any) -> Settings:
    return make_settings(
        store_url,
        jitsi=jitsi(**jitsi_overrides),
        rocketchat=RocketChatSettings(url="https://chat.example.org"),
        rate_limit=RateLimitSettings(burst=100, per_minute=6000),
    )


def wall_clock() -> FakeClock:
    # Close to the real time: the scheduler keeps tomorrow's reminders pending during the test.
    return FakeClock(datetime.now(UTC).replace(second=0, microsecond=0))


def harness(settings: Settings, clock: FakeClock) -> BotHarness:
    bot = BotHarness(settings, features=[core, reunion.feature], clock=clock)
    for user in (JEAN, LUC, OUTSIDER):
        bot.chat.add_user(user)
    bot.chat.members[TEAM_ROOM.id] += [JEAN.id, LUC.id]
    return bot


@pytest.fixture
def clock() -> FakeClock:
    return wall_clock()


@pytest.fixture
async def bot(tmp_path: Path, clock: FakeClock) -> AsyncIterator[BotHarness]:
    async with harness(configured(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"), clock) as run:
        yield run


@pytest.fixture(autouse=True)
def no_token_in_any_log_record(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Checked after every test of this module, on the raw records (before any Redactor)."""
    caplog.set_level(logging.DEBUG)
    yield
    for record in caplog.records:
        rendered = f"{record.getMessage()} {record.__dict__}"
        assert not JWT_PATTERN.search(rendered), rendered


def assert_no_token_in_rooms(bot: BotHarness) -> None:
    for sent in bot.chat.sent:
        if sent.direct_to is not None:
            continue
        message = sent.message
        visible = [message.text]
        for attachment in message.attachments:
            visible += [attachment.title, attachment.text, attachment.title_link or ""]
            visible += [value for pair in attachment.fields for value in pair]
            visible += [button.command for button in attachment.buttons]
        if message.upload is not None:
            visible.append(message.upload.content.decode())
        for text in visible:
            assert not JWT_PATTERN.search(text), text
            assert "jwt=" not in text, text


def room_messages(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.direct_to is None]


def dms(sent: list[Sent]) -> dict[str, str]:
    return {s.direct_to: s.message.text for s in sent if s.direct_to is not None}


def claims_in(text: str) -> dict[str, Any]:
    match = URL_WITH_TOKEN.search(text)
    assert match, text
    parts = urlsplit(match.group(0))
    token = (parse_qs(parts.query).get("jwt") or parse_qs(parts.fragment)["jwt"])[0]
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    decoded: dict[str, Any] = jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience="visio-ville",
        issuer="ensemble",
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    return decoded


def assert_times(claims: dict[str, Any], now: datetime, expires: datetime) -> None:
    assert claims["iat"] == int(now.timestamp())
    assert claims["nbf"] == int(now.timestamp()) - 60
    assert claims["exp"] == int(expires.timestamp())


OPAQUE_ID = re.compile(r"[0-9a-f]{32}")


def assert_opaque_id(claims: dict[str, Any], user: User) -> None:
    """Neither the chat's user id nor its avatar URL nor the chat room id reach Jitsi."""
    assert OPAQUE_ID.fullmatch(claims["context"]["user"]["id"])
    assert claims["context"]["room"] == {"lobby": True}
    visible = str(claims)
    assert user.id not in visible and TEAM_ROOM.id not in visible and "avatar" not in visible


def assert_member(claims: dict[str, Any], user: User) -> None:
    assert claims["moderator"] is False
    assert_opaque_id(claims, user)
    assert claims["context"]["user"] == {
        "id": claims["context"]["user"]["id"],
        "name": user.display_name,
        "moderator": False,
        "affiliation": "member",
        "lobby_bypass": True,
    }


def assert_organizer(claims: dict[str, Any], user: User) -> None:
    assert claims["moderator"] is True
    assert_opaque_id(claims, user)
    assert claims["context"]["user"]["affiliation"] == "owner"
    assert claims["context"]["user"]["moderator"] is True
    assert claims["context"]["user"]["lobby_bypass"] is True


def tomorrow_at(clock: FakeClock, hour: int) -> datetime:
    day = (clock.now().astimezone(PARIS) + timedelta(days=1)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def plain(text: str) -> str:
    """French typography (no-break spaces before “:” and inside « ») read as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def meeting_id(message_text: str) -> int:
    match = re.search(r"n°\s(\d+)|#(\d+)", message_text)
    assert match, message_text
    return int(match.group(1) or match.group(2))


def reminders(bot: BotHarness) -> Reminders:
    return bot.app.runtime.services.get(Reminders)


async def test_immediate_meeting_posts_one_message_and_dms_every_member(
    bot: BotHarness, clock: FakeClock
) -> None:
    sent = await bot.say("/reunion point hebdo")
    [room] = room_messages(sent)
    attachment = room.message.attachments[0]
    number = meeting_id(room.message.text)
    assert "« point hebdo »" in plain(room.message.text) and "Marie Curie" in room.message.text
    assert attachment.buttons[0].label == "Rejoindre"
    assert attachment.buttons[0].command == f"!reunion rejoindre {number}"
    assert attachment.title_link is not None
    room_name = urlsplit(attachment.title_link).path.strip("/")
    assert attachment.title_link in attachment.text
    assert "Maintenant" in attachment.text and "Sécurité" in attachment.text
    received = dms(sent)
    assert set(received) == {u.username for u in MEMBERS}
    expires = clock.now() + timedelta(hours=2)  # the 1-hour default, + 1 h of grace
    ids = set()
    for user in MEMBERS:
        claims = claims_in(received[user.username])
        assert claims["room"] == room_name and claims["sub"] == "meet.jitsi"
        ids.add(claims["context"]["user"]["id"])
        assert_times(claims, clock.now(), expires)
        if user is AGENT:
            assert_organizer(claims, user)
        else:
            assert_member(claims, user)
    assert len(ids) == len(MEMBERS)
    assert "Accepter" in received["marie"]
    assert_no_token_in_rooms(bot)


async def test_scheduled_meeting_gets_an_invitation_and_links_with_the_reminder(
    bot: BotHarness, clock: FakeClock
) -> None:
    sent = await bot.say("/reunion point hebdo demain 10h")
    announcement, invitation = room_messages(sent)
    assert dms(sent) == {}
    number = meeting_id(announcement.message.text)
    attachment = announcement.message.attachments[0]
    assert attachment.buttons[0].command == f"!reunion rejoindre {number}"
    assert "10:00" in attachment.text and "1\xa0heure" in attachment.text
    assert invitation.message.upload is not None
    assert invitation.message.upload.filename == "reunion.ics"
    assert invitation.message.upload.mime_type == "text/calendar"
    calendar = Calendar.from_ical(invitation.message.upload.content)
    [event] = calendar.events
    start = tomorrow_at(clock, 10)
    dtstart: Any = event["DTSTART"]
    assert dtstart.params["TZID"] == "Europe/Paris"
    assert event.start == start and event.end == start + timedelta(hours=1)
    assert str(event["SUMMARY"]) == "point hebdo"
    assert str(event["UID"]).startswith("reunion-point-hebdo-")
    assert str(event["LOCATION"]) == str(event["URL"]) == attachment.title_link
    assert "le lien personnel est envoyé par le bot" in str(event["DESCRIPTION"]).lower()
    assert calendar.walk("VTIMEZONE")
    assert reminders(bot).planned(number)

    clock.moment = start - timedelta(minutes=15)
    before = len(bot.chat.sent)
    await reminders(bot).fire(number)
    await reminders(bot).fire(number)
    received = dms(bot.chat.sent[before:])
    assert len(bot.chat.sent) - before == len(MEMBERS)
    expires = start + timedelta(hours=2)  # end + 1 h
    for user in MEMBERS:
        claims = claims_in(received[user.username])
        assert_times(claims, clock.now(), expires)
        assert received[user.username].startswith("⏰")
        if user is AGENT:
            assert_organizer(claims, user)
        else:
            assert_member(claims, user)
    assert_no_token_in_rooms(bot)


async def test_join_button_gives_a_member_link_and_too_early_gets_trop_tot(
    bot: BotHarness, clock: FakeClock
) -> None:
    number = meeting_id((await bot.say("/reunion point hebdo demain 10h 1h30"))[0].message.text)
    early = await bot.say(f"!reunion rejoindre {number}", user=JEAN)
    assert dms(early).keys() == {"jean"}
    assert dms(early)["jean"].startswith("Trop tôt")
    assert "jwt" not in dms(early)["jean"]

    start = tomorrow_at(clock, 10)
    clock.moment = start - timedelta(minutes=10)
    joined = await bot.say(f"!reunion rejoindre {number}", user=JEAN)
    assert room_messages(joined) == []
    claims = claims_in(dms(joined)["jean"])
    assert_member(claims, JEAN)
    assert_times(claims, clock.now(), start + timedelta(hours=2, minutes=30))
    assert_no_token_in_rooms(bot)


async def test_scheduled_links_are_capped_at_twelve_hours(
    bot: BotHarness, clock: FakeClock
) -> None:
    number = meeting_id((await bot.say("/reunion séminaire demain 9h 12h"))[0].message.text)
    clock.moment = tomorrow_at(clock, 9) + timedelta(minutes=5)
    claims = claims_in(dms(await bot.say(f"/reunion lien {number}", user=LUC))["luc"])
    assert_times(claims, clock.now(), clock.now() + timedelta(hours=12))


async def test_english_speakers_get_english(bot: BotHarness) -> None:
    await bot.say("/langue en", user=JEAN)
    number = meeting_id((await bot.say("/reunion budget demain 10h"))[0].message.text)
    early = dms(await bot.say(f"!reunion rejoindre {number}", user=JEAN))["jean"]
    assert early.startswith("Too early")
    sent = await bot.say("/reunion budget", user=JEAN)
    [room] = room_messages(sent)
    assert "organized by Jean Moulin" in room.message.text
    assert room.message.attachments[0].buttons[0].label == "Join"
    assert "Your personal link" in dms(sent)["jean"]
    assert "Votre lien personnel" in dms(sent)["marie"]
    assert "lang=en" in room.message.attachments[0].title_link  # type: ignore[operator]


async def test_call_button_answers_in_the_thread_with_personal_links(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = configured(
        f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", call_room_prefix="RocketChat"
    )
    async with harness(settings, clock) as bot:
        sent = await bot.call(user=CRISIS_LEAD, call_id="6502f1c2a7b3c4d5e6f7a8b9")
        [reply] = room_messages(sent)
        assert reply.room_id == TEAM_ROOM.id
        assert reply.message.thread_id is not None and reply.message.thread_id.startswith("in")
        assert reply.message.attachments[0].buttons[0].label == "Rejoindre"
        received = dms(sent)
        assert set(received) == {u.username for u in MEMBERS}
        for user in MEMBERS:
            claims = claims_in(received[user.username])
            assert claims["room"] == "rocketchat6502f1c2a7b3c4d5e6f7a8b9"
            assert_times(claims, clock.now(), clock.now() + timedelta(hours=4))
            if user is CRISIS_LEAD:
                assert_organizer(claims, user)
            else:
                assert_member(claims, user)
        assert await bot.call(user=CRISIS_LEAD, call_id="6502f1c2a7b3c4d5e6f7a8b9") == []
        assert_no_token_in_rooms(bot)


async def test_a_call_in_a_read_only_room_is_answered_by_direct_message(bot: BotHarness) -> None:
    """The same fallback as a /reunion typed there: the call shares its creation path."""
    bot.chat.read_only.add(TEAM_ROOM.id)
    for sent in (await bot.say("/reunion point"), await bot.call(call_id="c-annonces")):
        assert [s for s in room_messages(sent) if s.room_id == TEAM_ROOM.id] == []
        note = f"Je ne peux pas écrire dans #{TEAM_ROOM.name}, voici donc ma réponse\u202f:"
        [announcement] = [s for s in sent if s.message.text.startswith(note)]
        assert announcement.direct_to == AGENT.username
        assert announcement.message.attachments[0].buttons[0].label == "Rejoindre"
        assert "Votre lien personnel" in dms(sent)["jean"]
    assert_no_token_in_rooms(bot)


async def test_a_call_is_audited_and_measured_with_a_reference(bot: BotHarness) -> None:
    await bot.call(user=CRISIS_LEAD, call_id="c-audit")
    [entry] = await bot.app.runtime.services.get(AuditLog).recent()
    assert (entry.username, entry.command, entry.room_id, entry.outcome) == (
        CRISIS_LEAD.username, "call", TEAM_ROOM.id, "ok"
    )
    assert re.fullmatch(r"[0-9a-f]{12}", entry.correlation_id)
    metrics = bot.app.metrics.render().decode()
    assert 'ensemble_commands_total{command="call",outcome="ok"} 1.0' in metrics
    assert 'ensemble_command_seconds_count{command="call"} 1.0' in metrics


async def test_call_rooms_can_be_named_by_the_bot(tmp_path: Path, clock: FakeClock) -> None:
    settings = configured(
        f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", call_room_from_call_id=False
    )
    async with harness(settings, clock) as bot:
        sent = await bot.call(call_id="6502f1c2a7")
        claims = claims_in(dms(sent)["marie"])
        assert re.fullmatch(r"reunion-appel-video-de-equipe-pr-[a-z0-9]{16}", claims["room"])


async def test_liste_and_annuler(bot: BotHarness) -> None:
    first = meeting_id((await bot.say("/reunion budget demain 10h"))[0].message.text)
    second = meeting_id((await bot.say("/reunion comité demain 14h"))[0].message.text)
    listing = (await bot.say("/reunion liste", user=JEAN))[0].message.text
    assert listing.index("budget") < listing.index("comité")

    denied = await bot.say(f"/reunion annuler {first}", user=JEAN)
    assert "Seul l’organisateur" in denied[0].message.text
    assert reminders(bot).planned(first)

    cancelled = await bot.say(f"/reunion annuler {first}")
    assert "est annulée" in cancelled[0].message.text
    assert not reminders(bot).planned(first)
    assert "budget" not in (await bot.say("/reunion liste"))[0].message.text
    refused = await bot.say(f"!reunion rejoindre {first}", user=JEAN)
    assert "a été annulée" in refused[0].message.text and dms(refused) == {}
    await reminders(bot).fire(first)
    assert dms(bot.chat.sent[-1:]) == {}

    by_admin = await bot.say(f"/reunion cancel {second}", user=ADMIN)
    assert "est annulée" in by_admin[0].message.text
    assert "Aucune réunion" in (await bot.say("/reunion liste"))[0].message.text


async def test_links_only_for_members_of_the_meeting_room(bot: BotHarness) -> None:
    number = meeting_id((await bot.say("/reunion budget"))[0].message.text)
    direct = Room("dm-alice", "alice", RoomType.DIRECT)
    refused = await bot.say(f"/reunion lien {number}", user=OUTSIDER, room=direct)
    assert refused[0].message.text == f"Il n’y a pas de réunion n°\u00a0{number}."
    assert dms(refused) == {}
    again = await bot.say(f"/reunion lien {number}", user=JEAN, room=direct)
    assert_member(claims_in(dms(again)["jean"]), JEAN)


async def test_big_rooms_get_links_on_demand(tmp_path: Path, clock: FakeClock) -> None:
    settings = configured(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", proactive_dm_max_members=3)
    async with harness(settings, clock) as bot:
        sent = await bot.say("/reunion assemblée générale")
        assert set(dms(sent)) == {"marie"}
        card = plain(room_messages(sent)[0].message.attachments[0].text)
        assert "Appuyez sur « Rejoindre »" in card
        number = meeting_id(sent[0].message.text)
        await bot.say("/reunion plénière demain 10h")
        clock.moment = tomorrow_at(clock, 9) + timedelta(minutes=45)
        before = len(bot.chat.sent)
        await reminders(bot).fire(number + 1)
        reminder = bot.chat.sent[before:]
        assert set(dms(reminder)) == {"marie"}
        [room] = room_messages(reminder)
        assert room.message.attachments[0].buttons[0].command == f"!reunion rejoindre {number + 1}"
        assert_no_token_in_rooms(bot)


@pytest.mark.parametrize("when", ["", " demain 10h"])
async def test_external_guests_are_told_to_use_the_room_link_given_once(
    bot: BotHarness, when: str
) -> None:
    """With a guest domain the tokenless room link is the guest link: said, not repeated."""
    sent = await bot.say(f"/reunion audition{when} --externe")
    attachment = room_messages(sent)[0].message.attachments[0]
    assert attachment.title_link is not None
    assert attachment.text.count(attachment.title_link) == 1
    assert attachment.text.count("https://") == 1
    assert "Invités externes : transmettez-leur le lien de la salle" in plain(attachment.text)
    assert "attendent dans la salle d’attente" in attachment.text
    assert not any(text.startswith("👤") for text in dms(sent).values())


async def test_without_guest_domain_the_guest_token_goes_to_the_organizer_only(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = configured(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", has_guest_domain=False)
    async with harness(settings, clock) as bot:
        sent = await bot.say("/reunion audition --externe")
        assert "envoyé à l’organisateur" in room_messages(sent)[0].message.attachments[0].text
        organizer_dms = [s.message.text for s in sent if s.direct_to == "marie"]
        [guest] = [text for text in organizer_dms if text.startswith("👤")]
        claims = claims_in(guest)
        assert "moderator" not in claims
        assert claims["context"]["user"] == {
            "name": "Invité·e",
            "moderator": False,
            "affiliation": "member",
        }
        assert_times(claims, clock.now(), clock.now() + timedelta(hours=2))
        assert_no_token_in_rooms(bot)


async def test_unreadable_dates_get_the_usage_with_examples(bot: BotHarness) -> None:
    [answer] = await bot.say("/reunion point demain 25h")
    text = answer.message.text
    assert "demain 25h" in text and "Utilisation" in text and "Exemples" in text
    assert "/reunion point hebdo demain 10h 1h30" in text


async def test_without_jitsi_the_bot_says_the_video_service_is_not_configured(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        rate_limit=RateLimitSettings(burst=100, per_minute=6000),
    )
    async with harness(settings, clock) as bot:
        [answer] = await bot.say("/reunion point")
        assert "Jitsi" in answer.message.text
        assert await bot.call() == []


async def test_reminders_survive_a_restart(tmp_path: Path, clock: FakeClock) -> None:
    settings = configured(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    async with harness(settings, clock) as first:
        kept = meeting_id((await first.say("/reunion budget demain 10h"))[0].message.text)
        dropped = meeting_id((await first.say("/reunion comité demain 11h"))[0].message.text)
        await first.say(f"/reunion annuler {dropped}")
    async with harness(settings, clock) as second:
        assert reminders(second).planned(kept)
        assert not reminders(second).planned(dropped)
        clock.moment = tomorrow_at(clock, 9) + timedelta(minutes=45)
        await reminders(second).fire(kept)
        assert set(dms(second.chat.sent)) == {u.username for u in MEMBERS}
        assert_no_token_in_rooms(second)


OUTSIDERS_WAIT = "Les personnes extérieures attendent dans la salle d’attente"
MANUAL_LOBBY = ("Sécurité", "Activer la salle d’attente", "Activez la salle d’attente")


async def test_lobby_promises_follow_the_server_capabilities(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Unknown server: the room is told that outsiders wait, and the organizer what to do."""
    settings = configured(
        f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        lobby_autostart=False,
        has_wait_for_host=True,
    )
    async with harness(settings, clock) as bot:
        sent = await bot.say("/reunion audition")
        text = room_messages(sent)[0].message.attachments[0].text
        assert OUTSIDERS_WAIT in text and "Activer la salle d’attente" in text
        assert "Activez la salle d’attente dès votre arrivée" in dms(sent)["marie"]
        assert "compte comme hôte" in dms(sent)["marie"]
        assert "compte comme hôte" not in dms(sent)["jean"]


@pytest.mark.parametrize("typed", ["/reunion audition --externe", "/reunion audition demain 10h"])
async def test_a_server_that_starts_the_lobby_asks_nobody_for_a_manual_step(
    tmp_path: Path, clock: FakeClock, typed: str
) -> None:
    settings = configured(
        f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", lobby_autostart=True, has_wait_for_host=True
    )
    async with harness(settings, clock) as bot:
        sent = await bot.say(typed)
        text = room_messages(sent)[0].message.attachments[0].text
        assert OUTSIDERS_WAIT + ", active dès le début" in text
        if "demain" in typed:  # the personal links come with the reminder
            clock.moment = tomorrow_at(clock, 9) + timedelta(minutes=45)
            await reminders(bot).fire(meeting_id(sent[0].message.text))
        organizer_link = dms(bot.chat.sent)["marie"]
        assert "Votre lien personnel" in organizer_link
        assert "compte comme hôte" not in organizer_link
        for words in [text] + [sent.message.text for sent in bot.chat.sent]:
            assert not any(step in words for step in MANUAL_LOBBY), words


async def test_overdue_reminders_are_sent_soon_after_a_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    settings = configured(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    async with harness(settings, clock) as first:
        number = meeting_id((await first.say("/reunion budget demain 10h"))[0].message.text)
    clock.moment = tomorrow_at(clock, 9) + timedelta(minutes=50)
    async with harness(settings, clock) as second:
        assert reminders(second).planned(number)
        await reminders(second).fire(number)
        assert set(dms(second.chat.sent)) == {u.username for u in MEMBERS}
    async with harness(settings, clock) as third:
        assert not reminders(third).planned(number)


async def test_help_lists_the_subcommands_but_not_the_button_one(bot: BotHarness) -> None:
    [answer] = await bot.say("/aide reunion")
    text = answer.message.text
    assert "/reunion liste" in text and "/reunion annuler" in text and "/reunion lien" in text
    assert "rejoindre" not in text


async def test_immediate_links_last_until_the_end_plus_grace_and_at_most_four_hours(
    bot: BotHarness, clock: FakeClock
) -> None:
    """Tokens expire at meeting end + grace; immediate ones are capped at 4 h."""
    start = clock.now()
    short = await bot.say("/reunion point 30min")
    number = meeting_id(short[0].message.text)
    for user in MEMBERS:
        claims = claims_in(dms(short)[user.username])
        assert_times(claims, start, start + timedelta(minutes=30 + 60))
    long = await bot.say("/reunion séminaire 6h", user=JEAN)
    assert_times(claims_in(dms(long)["jean"]), start, start + timedelta(hours=4))

    clock.moment = start + timedelta(minutes=80)
    fresh = claims_in(dms(await bot.say(f"/reunion lien {number}", user=LUC))["luc"])
    assert_times(fresh, clock.now(), start + timedelta(minutes=90))
    clock.moment = start + timedelta(minutes=90)
    over = await bot.say(f"/reunion lien {number}", user=LUC)
    assert over[0].message.text == f"La réunion n°\u00a0{number} est terminée."
    assert dms(over) == {}
    assert_no_token_in_rooms(bot)


ALICE_GROUP = Room("r-alice", "groupe-alice", RoomType.PRIVATE)
MARIE_GROUP = Room("r-marie", "groupe-marie", RoomType.PRIVATE)


def own_group(bot: BotHarness, room: Room, owner: User) -> None:
    bot.chat.add_room(room, ["bot", owner.id])
    bot.chat.room_role_holders[(room.id, owner.id)] = frozenset({"owner"})


async def test_owning_another_room_gives_no_right_over_its_meetings(bot: BotHarness) -> None:
    """Meeting numbers are global: owning one's own group must not reach #equipe-projet's."""
    own_group(bot, ALICE_GROUP, OUTSIDER)
    own_group(bot, MARIE_GROUP, AGENT)
    bot.chat.room_role_holders[(TEAM_ROOM.id, LUC.id)] = frozenset({"moderator"})
    created = await bot.say("/reunion budget demain 10h", user=CRISIS_LEAD)
    number = meeting_id(created[0].message.text)

    unknown = await bot.say("/reunion annuler 999", user=OUTSIDER, room=ALICE_GROUP)
    hidden = await bot.say(f"/reunion annuler {number}", user=OUTSIDER, room=ALICE_GROUP)
    assert unknown[0].message.text == "Il n’y a pas de réunion n°\u00a0999."
    assert hidden[0].message.text == f"Il n’y a pas de réunion n°\u00a0{number}."
    # Marie is a member of #equipe-projet, so the meeting is no secret to her; still refused.
    refused = await bot.say(f"/reunion annuler {number}", user=AGENT, room=MARIE_GROUP)
    assert refused[0].message.text.startswith("Seul l’organisateur")
    assert not any("est annulée" in sent.message.text for sent in bot.chat.sent)
    assert reminders(bot).planned(number)
    assert "budget" in (await bot.say("/reunion liste", user=JEAN))[0].message.text

    by_moderator = await bot.say(f"/reunion annuler {number}", user=LUC)
    assert "est annulée" in by_moderator[0].message.text
    assert not reminders(bot).planned(number)


async def test_links_and_their_state_stay_hidden_from_other_rooms(bot: BotHarness) -> None:
    own_group(bot, ALICE_GROUP, OUTSIDER)
    number = meeting_id((await bot.say("/reunion budget", user=CRISIS_LEAD))[0].message.text)
    await bot.say("/langue en", user=OUTSIDER, room=ALICE_GROUP)
    asked = await bot.say(f"/reunion lien {number}", user=OUTSIDER, room=ALICE_GROUP)
    assert asked[0].message.text == f"There is no meeting #{number}."
    assert dms(asked) == {}
    await bot.say(f"/reunion annuler {number}", user=CRISIS_LEAD)
    after = await bot.say(f"!reunion rejoindre {number}", user=OUTSIDER, room=ALICE_GROUP)
    assert after[0].message.text == f"There is no meeting #{number}."
    assert dms(after) == {}


async def test_a_moment_in_the_past_is_refused_with_the_usage_and_nothing_is_made(
    bot: BotHarness,
) -> None:
    """`/reunion hier 10h` made a meeting titled « hier » at the next 10:00."""
    [answer] = await bot.say("/reunion hier 10h")
    text = plain(answer.message.text)
    assert text.startswith("Ce moment est déjà passé : hier 10h.")
    assert "Utilisation" in text and "/reunion point hebdo demain 10h 1h30" in text
    await bot.say("/langue en", user=JEAN)
    [english] = await bot.say("/meeting budget yesterday 10am", user=JEAN)
    assert english.message.text.startswith("That moment has already passed: yesterday 10am.")
    assert "Usage" in english.message.text
    assert dms(bot.chat.sent) == {}
    assert "Aucune réunion" in (await bot.say("/reunion liste"))[0].message.text


async def test_meetings_in_direct_messages_are_named_after_their_people(
    bot: BotHarness,
) -> None:
    alone = bot.chat.add_room(Room("dm-luc", "luc,ensemble-bot", RoomType.DIRECT), ["bot", LUC.id])
    group = bot.chat.add_room(
        Room("dm-group", "luc,ensemble-bot", RoomType.DIRECT), ["bot", AGENT.id, LUC.id, JEAN.id]
    )
    own = plain((await bot.say("/reunion", user=LUC, room=alone))[0].message.text)
    assert "« Réunion de Luc Besson »" in own and "#" not in own.split("»")[0]
    shared = plain((await bot.say("/reunion", room=group))[0].message.text)
    assert "« Réunion avec Luc Besson et Jean Moulin »" in shared
    call = await bot.call(room=group, call_id="6502f1c2a7")
    assert "« Appel vidéo avec Luc Besson et Jean Moulin »" in plain(call[0].message.text)
    in_room = plain((await bot.say("/reunion"))[0].message.text)
    assert "« Réunion de #equipe-projet »" in in_room
    assert_no_token_in_rooms(bot)


def ics_event(sent: Sent) -> tuple[Calendar, Any]:
    assert sent.message.upload is not None
    assert sent.message.upload.mime_type == "text/calendar"
    calendar = Calendar.from_ical(sent.message.upload.content)
    [event] = calendar.events
    return calendar, event


async def test_cancelling_a_planned_meeting_posts_an_ics_cancellation(
    bot: BotHarness,
) -> None:
    """RFC 5546 §3.2.5: METHOD:CANCEL, the invitation's UID and a higher SEQUENCE, so that
    Outlook and Thunderbird remove the entry they imported."""
    _, invitation = room_messages(await bot.say("/reunion budget demain 10h"))
    invited_calendar, invited = ics_event(invitation)
    number = meeting_id(bot.chat.sent[0].message.text)
    assert str(invited_calendar["METHOD"]) == "PUBLISH" and int(invited["SEQUENCE"]) == 0

    notice, cancel = room_messages(await bot.say(f"/reunion annuler {number}"))
    assert "est annulée" in notice.message.text
    assert cancel.room_id == TEAM_ROOM.id
    assert "Annulation pour votre agenda" in cancel.message.text
    assert cancel.message.upload is not None
    assert cancel.message.upload.filename.endswith(".ics")
    calendar, event = ics_event(cancel)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == str(invited["UID"])
    assert int(event["SEQUENCE"]) > int(invited["SEQUENCE"])
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.start == invited.start and str(event["SUMMARY"]) == "budget"
    assert calendar.walk("VTIMEZONE")
    assert b"jwt" not in cancel.message.upload.content


async def test_the_cancellation_goes_to_the_meeting_room_and_only_for_planned_ones(
    bot: BotHarness,
) -> None:
    planned = meeting_id((await bot.say("/reunion budget demain 10h"))[0].message.text)
    now = meeting_id((await bot.say("/reunion point"))[0].message.text)
    direct = Room("dm-admin", "admin", RoomType.DIRECT)
    elsewhere = await bot.say(f"/reunion annuler {planned}", user=ADMIN, room=direct)
    in_team_room = [s for s in elsewhere if s.room_id == TEAM_ROOM.id]
    assert [s.message.upload is not None for s in in_team_room] == [False, True]
    assert all(s.message.upload is None for s in elsewhere if s.room_id != TEAM_ROOM.id)
    immediate = await bot.say(f"/reunion annuler {now}")
    assert [s.message.upload for s in immediate] == [None]


async def test_too_early_says_whether_the_link_comes_by_itself(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Links are minted from 15 minutes before the start (they last 12 hours at most)."""
    async with harness(configured(sqlite_url_in(tmp_path, "small")), clock) as bot:
        number = meeting_id((await bot.say("/reunion budget demain 10h"))[0].message.text)
        early = plain(dms(await bot.say(f"/reunion lien {number}", user=JEAN))["jean"])
        assert early.startswith("Trop tôt")
        assert "Votre lien personnel arrivera en message privé à 09:45" in early
    big = configured(sqlite_url_in(tmp_path, "big"), proactive_dm_max_members=3)
    async with harness(big, clock) as bot:
        number = meeting_id((await bot.say("/reunion plénière demain 10h"))[0].message.text)
        early = plain(dms(await bot.say(f"/reunion lien {number}", user=JEAN))["jean"])
        assert "à partir de 09:45" in early
        assert f"tapez de nouveau `/reunion lien {number}`" in early
        assert "arrivera" not in early and "jwt" not in early


def sqlite_url_in(folder: Path, name: str) -> str:
    return f"sqlite+aiosqlite:///{folder / name}.db"
