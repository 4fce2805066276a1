"""ACCUEIL and ÉCOGESTES through the whole pipeline: BotHarness and the in-memory chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.events import AttachmentMoved, FilePosted, Membership, MembershipChanged
from bot.models import ChatEvent, FileRef, Room, RoomType, User
from commands import accueil
from commands.accueil.settings import AccueilSettings
from commands.core_feature import feature as core
from composition.settings import EnsembleSettings
from composition.testing import ADMIN, AGENT, TEAM_ROOM, BotHarness, make_settings, sqlite_url

GENERAL = Room("r-general", "general", RoomType.CHANNEL)
MB = 1024 * 1024


@dataclass
class MovableClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))


def with_accueil(tmp_path: Path, **values: object) -> EnsembleSettings:
    settings = make_settings(sqlite_url(tmp_path))
    section = AccueilSettings(chat_url="https://chat.example.org", **values)  # type: ignore[arg-type]
    return settings.model_copy(update={"accueil": section})


@pytest.fixture
async def bot(tmp_path: Path, clock: MovableClock) -> AsyncIterator[BotHarness]:
    harness = BotHarness(
        with_accueil(tmp_path, ignored_accounts=["root"]),
        features=[core, accueil.feature],
        clock=clock,
    )
    harness.chat.add_room(GENERAL, ["bot", AGENT.id, ADMIN.id])
    async with harness as running:
        yield running


def newcomer(bot: BotHarness, username: str, created: datetime, **extra: object) -> User:
    return bot.chat.add_user(
        User(f"u-{username}", username, username.title(), created_at=created, **extra)
    )  # type: ignore[arg-type]


def member_joined(
    bot: BotHarness, user: User, room: Room, at: datetime, number: int = 1
) -> MembershipChanged:
    """The `uj` system message as the transport tells it: the member joined by themselves."""
    return MembershipChanged(
        message_id=f"uj-{user.username}-{room.name}-{number}",
        user=user,
        room=room,
        text=user.username,
        timestamp=at,
        member=bot.chat.users[user.id],
        change=Membership.ADDED,
    )


async def test_a_newcomer_gets_one_welcome_dm_in_their_language(
    bot: BotHarness, clock: MovableClock
) -> None:
    later = clock.moment + timedelta(minutes=5)
    paul = newcomer(bot, "paul", later, language="en")
    sent = await bot.feed(member_joined(bot, paul, GENERAL, later))
    dms = [s for s in sent if s.direct_to == "paul"]
    assert len(dms) == 1
    text = dms[0].message.text
    assert text.startswith("Welcome to ENSEMBLE, Paul!")
    assert (
        "**DISCUTONS**: rooms and direct messages" in text and "https://chat.example.org" in text
    )
    assert "`/reunion`" in text and "/aide" in text
    # Another default room, the same system message replayed: nothing more.
    assert await bot.feed(member_joined(bot, paul, GENERAL, later, 2)) == []
    assert await bot.feed(member_joined(bot, paul, GENERAL, later)) == []


async def test_french_is_the_welcome_of_people_without_a_language(
    bot: BotHarness, clock: MovableClock
) -> None:
    later = clock.moment + timedelta(minutes=1)
    lea = newcomer(bot, "lea", later)
    sent = await bot.feed(member_joined(bot, lea, GENERAL, later))
    assert sent[0].message.text.startswith("Bienvenue sur ENSEMBLE, Lea\u202f!")


async def test_bots_ignored_accounts_old_accounts_and_other_rooms_get_no_welcome(
    bot: BotHarness, clock: MovableClock
) -> None:
    later = clock.moment + timedelta(minutes=5)
    robot = newcomer(bot, "rocket.cat", later, is_bot=True)
    root = newcomer(bot, "root", later)
    veteran = newcomer(bot, "veteran", clock.moment - timedelta(days=300))
    fresh = newcomer(bot, "fresh", later)
    for person in (robot, root, veteran):
        assert await bot.feed(member_joined(bot, person, GENERAL, later)) == []
    # Joining a room that is not a default one is no arrival on the platform.
    assert await bot.feed(member_joined(bot, fresh, TEAM_ROOM, later)) == []
    # Told before the feature was on (a replay of an old system message): not welcomed.
    assert (
        await bot.feed(member_joined(bot, fresh, GENERAL, clock.moment - timedelta(hours=1))) == []
    )


async def test_an_administrator_template_replaces_the_text(
    tmp_path: Path, clock: MovableClock
) -> None:
    template = "Bonjour {name} ({username}) : {chat_url}"
    settings = with_accueil(tmp_path, template_fr=template)
    async with BotHarness(settings, features=[core, accueil.feature], clock=clock) as bot:
        bot.chat.add_room(GENERAL, ["bot"])
        later = clock.moment + timedelta(minutes=1)
        zoe = newcomer(bot, "zoe", later)
        sent = await bot.feed(member_joined(bot, zoe, GENERAL, later))
    assert sent[0].message.text == "Bonjour Zoe (zoe) : https://chat.example.org/"


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("Bonjour {nom}", "unknown placeholder {nom}"),
        ("Bonjour {name", "not a valid template"),
        ("  ", "empty"),
    ],
)
def test_an_invalid_template_stops_the_start_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, template: str, reason: str
) -> None:
    monkeypatch.setenv("ENSEMBLE_ACCUEIL__TEMPLATE_FR", template)
    with pytest.raises(ValidationError) as raised:
        EnsembleSettings()
    assert "accueil.template_fr" in str(raised.value) and reason in str(raised.value)


def test_a_template_can_be_read_from_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "welcome-en.md"
    path.write_text("Hello {name}, files at {files_url}", encoding="utf-8")
    monkeypatch.setenv("ENSEMBLE_ACCUEIL__TEMPLATE_EN_FILE", str(path))
    monkeypatch.setenv("ENSEMBLE_NEXTCLOUD__URL", "https://cloud.example.org")
    monkeypatch.setenv("ENSEMBLE_NEXTCLOUD__USERNAME", "bot")
    monkeypatch.setenv("ENSEMBLE_NEXTCLOUD__APP_PASSWORD", "x" * 40)
    settings = EnsembleSettings()
    assert settings.accueil.template_en == "Hello {name}, files at {files_url}"
    assert str(settings.accueil.files_url) == "https://cloud.example.org/"


async def test_bienvenue_sends_the_welcome_to_the_caller_and_admins_to_someone(
    bot: BotHarness,
) -> None:
    sent = await bot.say("/bienvenue")
    assert any(s.direct_to == "marie" and "Bienvenue sur ENSEMBLE" in s.message.text for s in sent)
    assert "par message direct" in sent[-1].message.text
    refused = await bot.say("/bienvenue @admin")
    assert "Seuls les administrateurs" in refused[-1].message.text
    assert not any(s.direct_to == "admin" for s in refused)
    again = await bot.say("/bienvenue @marie", user=ADMIN)
    assert any(s.direct_to == "marie" for s in again)
    assert "Message d’accueil envoyé à marie." in again[-1].message.text
    unknown = await bot.say("/bienvenue @personne", user=ADMIN)
    assert "Personne ne s’appelle personne ici." in unknown[-1].message.text


def posted(
    user: User,
    room: Room,
    name: str,
    size: int,
    number: int,
    *,
    mime: str = "application/pdf",
    thread_id: str | None = None,
) -> FilePosted:
    file = FileRef(f"f{number}", name, mime, size, f"/file-upload/f{number}/{name}")
    return FilePosted(
        message_id=f"file-msg-{number}",
        user=user,
        room=room,
        text="",
        timestamp=datetime.now(UTC),
        files=(file,),
        thread_id=thread_id,
    )


async def test_a_heavy_file_gets_one_suggestion_a_day_with_a_partage_button(
    bot: BotHarness, clock: MovableClock
) -> None:
    sent = await bot.feed(posted(AGENT, TEAM_ROOM, "rapport.pdf", 6 * MB, 1))
    assert len(sent) == 1
    message = sent[0].message
    assert message.thread_id == "file-msg-1" and not message.also_in_room
    assert "Ce fichier (6\u00a0Mo) est copié pour chaque lecteur du salon." in message.text
    button = message.attachments[0].buttons[0]
    assert (button.label, button.command) == ("Le déplacer vers Nextcloud", "!partage")
    assert await bot.feed(posted(AGENT, TEAM_ROOM, "annexe.pdf", 7 * MB, 2)) == []
    clock.moment += timedelta(days=1)
    assert len(await bot.feed(posted(AGENT, TEAM_ROOM, "annexe.pdf", 7 * MB, 3))) == 1


async def test_no_suggestion_for_small_images_direct_messages_threads_or_after_off(
    bot: BotHarness,
) -> None:
    dm = Room("dm-marie", "marie", RoomType.DIRECT)
    assert await bot.feed(posted(AGENT, TEAM_ROOM, "photo.jpg", MB, 1, mime="image/jpeg")) == []
    assert await bot.feed(posted(AGENT, dm, "gros.zip", 9 * MB, 2)) == []
    assert await bot.feed(posted(AGENT, TEAM_ROOM, "gros.zip", 9 * MB, 3, thread_id="x")) == []
    answer = await bot.say("/ecogestes off")
    assert answer[-1].message.text == "Plus de suggestions pour vous."
    assert await bot.feed(posted(AGENT, TEAM_ROOM, "gros.zip", 9 * MB, 4)) == []
    # Someone else in the room still gets them; a small office document counts too.
    assert len(await bot.feed(posted(ADMIN, TEAM_ROOM, "note.docx", 20_000, 5))) == 1


async def test_only_room_managers_switch_the_room(bot: BotHarness) -> None:
    refused = await bot.say("/ecogestes off --salon")
    assert "Seuls les propriétaires et modérateurs" in refused[-1].message.text
    done = await bot.say("/ecogestes off --salon", user=ADMIN)
    assert done[-1].message.text == "Plus de suggestions dans ce salon."
    assert await bot.feed(posted(AGENT, TEAM_ROOM, "gros.zip", 9 * MB, 1)) == []
    await bot.say("/ecogestes on --salon", user=ADMIN)
    assert len(await bot.feed(posted(AGENT, TEAM_ROOM, "gros.zip", 9 * MB, 2))) == 1


async def test_moved_attachments_are_counted_per_month_for_admins_and_metrics(
    bot: BotHarness, clock: MovableClock
) -> None:
    file = FileRef("f1", "rapport.pdf", "application/pdf", 6 * MB, "/f1")
    moved = AttachmentMoved(
        message_id="file-msg-1",
        user=AGENT,
        room=TEAM_ROOM,
        text="",
        timestamp=clock.moment,
        files=(file,),
    )
    await bot.feed(moved)
    await bot.feed(moved)  # told twice: counted once
    refused = await bot.say("/ecogestes bilan")
    assert "6\u00a0Mo" not in refused[-1].message.text
    answer = (await bot.say("/ecogestes bilan", user=ADMIN))[-1].message.text
    # The team room has the bot and three people: three downloads avoided.
    assert (
        "2026-12\u202f: 6\u00a0Mo en 1 fichier, environ 18\u00a0Mo de téléchargements évités"
        in answer
    )
    assert answer.splitlines()[-1].startswith("Total\u202f: 6\u00a0Mo sortis de la messagerie")
    metrics = bot.app.metrics.render().decode()
    assert 'ensemble_ecogestes_moved_bytes{month="2026-12"} 6.291456e+06' in metrics
    assert 'ensemble_ecogestes_moved_files{month="2026-12"} 1.0' in metrics


async def test_bilan_says_when_nothing_was_moved(bot: BotHarness) -> None:
    answer = await bot.say("/ecogestes bilan", user=ADMIN)
    assert answer[-1].message.text == "Rien n’a encore quitté la messagerie."


def test_plain_messages_stay_messages() -> None:
    # A FilePosted is its own event: the message itself still reaches commands.
    event = ChatEvent("m", AGENT, TEAM_ROOM, "/aide", datetime.now(UTC))
    assert not isinstance(event, FilePosted)


async def test_bienvenue_in_a_direct_message_answers_there(bot: BotHarness) -> None:
    dm = Room("dm-marie", "marie", RoomType.DIRECT)
    sent = await bot.say("/bienvenue", room=dm)
    assert len(sent) == 1 and sent[0].message.text.startswith("Bienvenue sur ENSEMBLE")


async def test_ecogestes_alone_tells_whether_suggestions_are_on(bot: BotHarness) -> None:
    assert "Les suggestions sont actives" in (await bot.say("/ecogestes"))[-1].message.text
    await bot.say("/ecogestes off")
    assert "désactivées" in (await bot.say("/ecogestes"))[-1].message.text
    back = await bot.say("/ecogestes on")
    assert back[-1].message.text == "Les suggestions reviennent pour vous."
