"""/partage end to end: BotHarness, the real Nextcloud adapter, the sandbox Nextcloud."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from pydantic import SecretStr

from bot.memory_chat import Sent
from bot.models import ChatEvent, FileRef, Room, RoomType, User
from bot.ports.files import FILES_PORT, ExpiryTooFar
from commands import partage
from commands.core_feature import feature as core
from composition.settings import EnsembleSettings as Settings
from composition.settings import NextcloudSection
from composition.testing import ADMIN, AGENT, CRISIS_LEAD, TEAM_ROOM, BotHarness
from integrations.nextcloud.adapter import NextcloudFiles
from sandbox.nextcloud import NextcloudSandbox

BOT = "ensemble-bot"
PARIS = ZoneInfo("Europe/Paris")
LINK = re.compile(r"http://127\.0\.0\.1:\d+/index\.php/s/[A-Za-z0-9]{15}")
PASSWORD = re.compile(r"`([^`]{16,})`$", re.MULTILINE)
JEAN = User("u-jean", "jean", "Jean Moulin", frozenset({"user"}))
# Typed paths are read inside the folder of the room where the command is typed.
PLAN = "Partage/equipe-projet/plan.txt"


@pytest.fixture
async def nextcloud() -> AsyncIterator[NextcloudSandbox]:
    server = NextcloudSandbox()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def control(nextcloud: NextcloudSandbox) -> AsyncIterator[Any]:
    async with aiohttp.ClientSession() as http:

        async def call(method: str, path: str, **kwargs: Any) -> Any:
            url = f"{nextcloud.url}/_sandbox/{path}"
            async with http.request(method, url, **kwargs) as response:
                return response.status, await response.json()

        yield call


def with_nextcloud(settings: Settings, server: NextcloudSandbox, **extra: Any) -> Settings:
    extra.setdefault("link_password_by_default", True)  # the default, whatever the config says
    configured = NextcloudSection(
        url=server.url,
        username=BOT,
        app_password=SecretStr(server.bot_app_password),
        **extra,
    )
    return settings.model_copy(update={"nextcloud": configured})


@pytest.fixture
async def bot(settings: Settings, nextcloud: NextcloudSandbox) -> AsyncIterator[BotHarness]:
    harness = BotHarness(
        with_nextcloud(settings, nextcloud), features=[core, partage.feature]
    )
    harness.chat.add_user(JEAN)
    async with harness as running:
        yield running


def files_of(bot: BotHarness) -> NextcloudFiles:
    files = bot.app.runtime.services.optional(FILES_PORT)
    assert isinstance(files, NextcloudFiles)
    return files


def post_file(bot: BotHarness, name: str, content: bytes, author: User = AGENT) -> str:
    """A message with an attachment, as the transport would have seen it."""
    number = len(bot.chat.files) + 1
    ref = FileRef(f"file{number}", name, "application/octet-stream", len(content), f"/f/{number}")
    bot.chat.files[ref.id] = content
    parent = ChatEvent(
        message_id=f"post{number}", user=author, room=TEAM_ROOM,
        text="", timestamp=datetime.now(UTC), files=(ref,),
    )
    bot.chat.messages[parent.message_id] = parent
    return parent.message_id


def room_texts(sent: list[Sent]) -> str:
    return "\n".join(s.message.text for s in sent if s.direct_to is None)


def dm_texts(sent: list[Sent], username: str) -> str:
    return "\n".join(s.message.text for s in sent if s.direct_to == username)


def today() -> date:
    return datetime.now(PARIS).date()


def server_today() -> date:
    """The sandbox Nextcloud's day: the bot's account has no zone, the server's is UTC."""
    return datetime.now(UTC).date()


async def bot_files(control: Any) -> dict[str, dict[str, Any]]:
    _, listing = await control("GET", f"files/{BOT}", params={"path": ""})
    return {entry["path"]: entry for entry in listing}


async def put_file(control: Any, path: str = PLAN) -> None:
    await control("PUT", f"file/{BOT}", params={"path": path}, json={"text": "x"})


async def all_shares(control: Any) -> list[dict[str, Any]]:
    _, listing = await control("GET", "shares")
    return list(listing)


async def test_a_posted_file_moves_to_nextcloud_and_the_password_goes_by_dm_only(
    bot: BotHarness, control: Any
) -> None:
    parent = post_file(bot, "rapport final.pdf", b"%PDF-1.4 rapport")
    sent = await bot.say("/partage --mdp", thread_id=parent)

    room = room_texts(sent)
    assert LINK.search(room), room
    assert "@marie" in room
    dm = dm_texts(sent, "marie")
    match = PASSWORD.search(dm)
    assert match is not None, dm
    password = match.group(1)
    assert password not in "\n".join(bot.chat.texts(TEAM_ROOM.id))
    assert all(password not in s.message.text for s in bot.chat.sent if s.direct_to is None)

    path = f"Partage/equipe-projet/{today().isoformat()}/rapport final.pdf"
    _, stored = await control("GET", f"file/{BOT}", params={"path": path})
    assert base64.b64decode(stored["content_base64"]) == b"%PDF-1.4 rapport"
    [share] = await all_shares(control)
    assert share["path"] == "/" + path and share["url"] in room
    _, check = await control("POST", f"shares/{share['id']}/check-password",
                             json={"password": password})
    assert check == {"protected": True, "match": True}
    # No maximum enforced: the bot's own day (Paris) + 7, a day past the server's (UTC)
    # + 7 between midnight and one o'clock in Paris.
    assert share["expiration"] == f"{today() + timedelta(days=7)} 00:00:00"
    assert bot.chat.deleted == [parent]
    assert "removed" in room or "retirée" in room


async def test_a_second_file_of_the_same_name_is_never_overwritten(
    bot: BotHarness, control: Any
) -> None:
    await bot.say("/partage", thread_id=post_file(bot, "notes.txt", b"first"))
    await bot.say("/partage", thread_id=post_file(bot, "notes.txt", b"second"))
    folder = f"Partage/equipe-projet/{today().isoformat()}"
    files = await bot_files(control)
    assert f"{folder}/notes.txt" in files and f"{folder}/notes (2).txt" in files
    _, first = await control("GET", f"file/{BOT}", params={"path": f"{folder}/notes.txt"})
    assert base64.b64decode(first["content_base64"]) == b"first"


async def test_a_large_attachment_goes_up_in_chunks(
    settings: Settings, nextcloud: NextcloudSandbox, control: Any
) -> None:
    tuned = with_nextcloud(settings, nextcloud, chunked_upload_above_bytes=1024 * 1024)
    content = bytes(range(256)) * (6 * 4096)  # 6 MiB: two chunks of the v2 protocol
    async with BotHarness(tuned, features=[core, partage.feature]) as harness:
        sent = await harness.say("/partage", thread_id=post_file(harness, "video.bin", content))
    assert LINK.search(room_texts(sent))
    path = f"Partage/equipe-projet/{today().isoformat()}/video.bin"
    _, stored = await control("GET", f"file/{BOT}", params={"path": path})
    assert stored["size"] == len(content)
    assert base64.b64decode(stored["content_base64"]) == content


async def test_someone_elses_attachment_is_shared_but_not_removed(
    bot: BotHarness, control: Any
) -> None:
    parent = post_file(bot, "photo.jpg", b"jpeg", author=CRISIS_LEAD)
    sent = await bot.say("/partage", thread_id=parent)
    assert LINK.search(room_texts(sent))
    assert bot.chat.deleted == []
    assert "stays" in room_texts(sent) or "reste" in room_texts(sent)


async def test_a_link_has_a_password_by_default_sent_by_dm_only(
    bot: BotHarness, control: Any
) -> None:
    await put_file(control)
    for command in ("/partage plan.txt", "/partage plan.txt --mdp"):  # --mdp changes nothing
        sent = await bot.say(command)
        room = room_texts(sent)
        assert LINK.search(room)
        assert "Le lien est protégé par un mot de passe, envoyé à @marie" in room, room
        match = PASSWORD.search(dm_texts(sent, "marie"))
        assert match is not None
        assert match.group(1) not in "\n".join(bot.chat.texts(TEAM_ROOM.id))
        share = (await all_shares(control))[-1]
        _, check = await control("POST", f"shares/{share['id']}/check-password",
                                 json={"password": match.group(1)})
        assert check == {"protected": True, "match": True}
    assert [s.direct_to for s in bot.chat.sent if s.direct_to] == ["marie", "marie"]


async def test_with_the_default_turned_off_only_mdp_adds_a_password(
    settings: Settings, nextcloud: NextcloudSandbox, control: Any
) -> None:
    plain = with_nextcloud(settings, nextcloud, link_password_by_default=False)
    await put_file(control)
    async with BotHarness(plain, features=[core, partage.feature]) as harness:
        bare = await harness.say("/partage plan.txt")
        protected = await harness.say("/partage plan.txt --mdp")
    assert LINK.search(room_texts(bare)) and dm_texts(bare, "marie") == ""
    assert "mot de passe" not in room_texts(bare)
    assert PASSWORD.search(dm_texts(protected, "marie"))
    first, second = await all_shares(control)
    assert first["password"] is None and second["password"] is not None


async def test_an_enforced_password_makes_the_bot_generate_one(
    bot: BotHarness, control: Any
) -> None:
    await control("POST", "policy", json={"password_enforced": True})
    await put_file(control)
    sent = await bot.say("/partage plan.txt")
    match = PASSWORD.search(dm_texts(sent, "marie"))
    assert match is not None
    [share] = await all_shares(control)
    _, check = await control("POST", f"shares/{share['id']}/check-password",
                             json={"password": match.group(1)})
    assert check["match"] is True
    assert match.group(1) not in room_texts(sent)


async def test_an_enforced_maximum_expiry_clamps_a_longer_request(
    bot: BotHarness, control: Any
) -> None:
    await control("POST", "policy", json={
        "expire_date_enabled": True, "expire_date_days": 7, "expire_date_enforced": True})
    await put_file(control)
    sent = await bot.say("/partage plan.txt --expire 30j")
    [share] = await all_shares(control)
    assert share["expiration"] == f"{server_today() + timedelta(days=7)} 00:00:00"
    assert "7 jours au plus" in room_texts(sent)


async def test_a_one_day_maximum_is_said_in_the_singular(
    bot: BotHarness, control: Any
) -> None:
    await control("POST", "policy", json={
        "expire_date_enabled": True, "expire_date_days": 1, "expire_date_enforced": True})
    await put_file(control)
    sent = await bot.say("/partage plan.txt --expire 5j")
    assert "Nextcloud autorise des liens de 1 jour au plus, je l’ai donc raccourci." in (
        room_texts(sent))
    await bot.say("/langue en")
    english = await bot.say("/share plan.txt --expire 5d")
    assert "Nextcloud allows links for 1 day at most, so I shortened it." in room_texts(english)


async def share_from_a_bot_ahead(
    settings: Settings, nextcloud: NextcloudSandbox, control: Any, *, server_zone: str,
    max_days: int, command: str,
) -> tuple[list[Sent], dict[str, Any], date]:
    """The bot in Kiritimati (UTC+14) shares with a server in `server_zone` that enforces
    `max_days`: what it said, the share made, and the server's day."""
    await control("POST", "timezone", json={"timezone": server_zone})
    await control("POST", "policy", json={
        "expire_date_enabled": True, "expire_date_days": max_days, "expire_date_enforced": True})
    await put_file(control)
    ahead = settings.model_copy(update={"timezone": "Pacific/Kiritimati"})
    harness = BotHarness(with_nextcloud(ahead, nextcloud), features=[core, partage.feature])
    async with harness as bot:
        sent = await bot.say(command)
    [share] = await all_shares(control)
    return sent, share, datetime.now(ZoneInfo(server_zone)).date()


@pytest.mark.parametrize("asked", ["", " --expire 30j"])
async def test_a_server_whose_day_lags_the_bots_still_gets_its_longest_link(
    settings: Settings, nextcloud: NextcloudSandbox, control: Any, asked: str
) -> None:
    # Kiritimati is always one or two days ahead of UTC-12: the bot's "in 7 days" is beyond
    # the server's enforced 7, as Paris is past UTC between midnight and one o'clock.
    sent, share, lagging = await share_from_a_bot_ahead(
        settings, nextcloud, control, server_zone="Etc/GMT+12", max_days=7,
        command=f"/partage plan.txt{asked}")
    assert share["expiration"] == f"{lagging + timedelta(days=7)} 00:00:00"
    room = room_texts(sent)
    assert LINK.search(room), room
    assert ("je l’ai donc raccourci" in room) == bool(asked)


async def test_a_one_day_maximum_on_a_server_a_day_behind_still_gives_a_link(
    settings: Settings, nextcloud: NextcloudSandbox, control: Any
) -> None:
    # Kiritimati is exactly one day ahead of UTC-10, as Paris is of UTC between midnight and
    # one o'clock: the bot's today is the server's tomorrow, its last allowed day.
    sent, share, lagging = await share_from_a_bot_ahead(
        settings, nextcloud, control, server_zone="Etc/GMT+10", max_days=1,
        command="/partage plan.txt --expire 5j")
    assert share["expiration"] == f"{lagging + timedelta(days=1)} 00:00:00"
    room = room_texts(sent)
    assert LINK.search(room), room
    assert "Nextcloud autorise des liens de 1 jour au plus, je l’ai donc raccourci." in room


async def test_a_maximum_the_server_keeps_refusing_is_explained_with_its_plural(
    bot: BotHarness, control: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def always_too_far(_request: object) -> None:
        raise ExpiryTooFar(1, "Cannot set expiration date more than 1 days in the future")

    monkeypatch.setattr(files_of(bot), "create_link", always_too_far)
    await put_file(control)
    sent = await bot.say("/partage plan.txt")
    assert room_texts(sent) == "Nextcloud autorise des liens de 1 jour au plus."
    await bot.say("/langue en")
    english = await bot.say("/share plan.txt --expire 2d")
    assert room_texts(english) == "Nextcloud allows links for 1 day at most."


async def test_a_policy_changed_since_the_last_read_is_still_honoured(
    bot: BotHarness, control: Any
) -> None:
    await put_file(control)
    await bot.say("/partage plan.txt")  # reads and caches the permissive policy
    await control("POST", "policy", json={
        "password_enforced": True, "expire_date_enabled": True, "expire_date_days": 3,
        "expire_date_enforced": True})
    sent = await bot.say("/partage plan.txt --expire 10j")
    assert PASSWORD.search(dm_texts(sent, "marie"))
    latest = (await all_shares(control))[-1]
    assert latest["expiration"] == f"{server_today() + timedelta(days=3)} 00:00:00"


async def test_a_path_going_up_is_refused_and_nothing_is_created(
    bot: BotHarness, control: Any
) -> None:
    before = await bot_files(control)
    sent = await bot.say("/partage ../../marie/Documents/budget.csv")
    assert "remonter" in room_texts(sent)
    assert await bot_files(control) == before
    assert await all_shares(control) == []
    absolute = await bot.say("/partage /../etc/passwd")
    assert "remonter" in room_texts(absolute)
    assert await all_shares(control) == []


async def test_another_rooms_files_cannot_be_published_from_here(
    bot: BotHarness, control: Any
) -> None:
    await put_file(control, "Partage/cellule-rh/salaires.pdf")
    for typed in ("Partage/cellule-rh/salaires.pdf", "/partage/Cellule-RH/salaires.pdf"):
        refused = room_texts(await bot.say(f"/partage {typed}"))
        assert "que les fichiers de son dossier Partage/equipe-projet" in refused, refused
    relative = room_texts(await bot.say("/partage cellule-rh/salaires.pdf"))
    assert "Partage/equipe-projet/cellule-rh/salaires.pdf" in relative
    assert "n’existe pas" in relative
    assert await all_shares(control) == []
    await put_file(control)
    copied = await bot.say(f"/partage /{PLAN}")  # as copied from the Files app
    [share] = await all_shares(control)
    assert share["path"] == f"/{PLAN}" and share["url"] in room_texts(copied)


async def test_a_room_keeps_its_folder_when_renamed_and_a_new_room_never_inherits_it(
    bot: BotHarness, control: Any
) -> None:
    await put_file(control)
    assert LINK.search(room_texts(await bot.say("/partage plan.txt")))  # first use: its folder
    renamed = Room(TEAM_ROOM.id, "projet-2027", TEAM_ROOM.type)
    bot.chat.add_room(renamed, [AGENT.id])
    again = room_texts(await bot.say("/partage plan.txt", room=renamed))
    assert LINK.search(again), again  # same room, same folder, whatever its name now
    # A new room that took the old name (the old one was deleted or renamed) starts afresh.
    newcomer = Room("r-newcomer", "equipe-projet", RoomType.PRIVATE)
    bot.chat.add_room(newcomer, [AGENT.id])
    fresh = room_texts(await bot.say("/partage plan.txt", room=newcomer))
    assert "Partage/equipe-projet-2/plan.txt" in fresh and "n’existe pas" in fresh
    refused = room_texts(await bot.say(f"/partage {PLAN}", room=newcomer))
    assert "que les fichiers de son dossier Partage/equipe-projet-2" in refused
    assert len(await all_shares(control)) == 2  # only the two made by the folder's own room


async def test_a_missing_file_is_named_in_the_answer(bot: BotHarness) -> None:
    sent = await bot.say("/partage absent.pdf")
    assert "Partage/equipe-projet/absent.pdf" in room_texts(sent)
    assert "n’existe pas" in room_texts(sent)


@pytest.mark.parametrize(
    ("policy", "command", "expected"),
    [
        ({"links_enabled": False}, "/partage plan.txt", "liens publics sont désactivés"),
        ({"api_enabled": False}, "/partage plan.txt", "partage est désactivé"),
        ({"public_upload": False}, "/partage dossier --edition", "lecture seule"),
        ({"group_sharing": False}, "/partage plan.txt --avec equipe-projet",
         "groupes est désactivé"),
    ],
)
async def test_policy_switches_get_their_own_message(
    bot: BotHarness, control: Any, policy: dict[str, bool], command: str, expected: str
) -> None:
    await put_file(control)
    await put_file(control, "Partage/equipe-projet/dossier/a.txt")
    await control("POST", "policy", json=policy)
    sent = await bot.say(command)
    assert expected in room_texts(sent), room_texts(sent)


async def test_a_full_quota_is_reported_and_nothing_is_shared(
    bot: BotHarness, control: Any
) -> None:
    await control("POST", "quota", json={"user": BOT, "bytes": 10})
    sent = await bot.say("/partage", thread_id=post_file(bot, "gros.bin", b"x" * 4096))
    assert "quota Nextcloud du bot est plein" in room_texts(sent)
    assert await all_shares(control) == []
    assert bot.chat.deleted == []


async def test_an_unknown_user_or_group_shares_nothing(bot: BotHarness, control: Any) -> None:
    await put_file(control)
    sent = await bot.say("/partage plan.txt --avec @jean @fantome")
    assert "pas de compte nommé @fantome" in room_texts(sent)
    group = await bot.say("/partage plan.txt --avec compta")
    assert "pas de groupe nommé compta" in room_texts(group)
    assert await all_shares(control) == []


async def test_nextcloud_down_names_the_service(bot: BotHarness, control: Any) -> None:
    await control("POST", "faults", json={"fail_next": 50, "error_status": 503})
    sent = await bot.say("/partage plan.txt")
    assert "Nextcloud ne répond pas" in room_texts(sent) and "réf." in room_texts(sent)


async def test_internal_shares_reach_users_and_the_rooms_group(
    bot: BotHarness, control: Any
) -> None:
    await put_file(control)
    sent = await bot.say("/partage plan.txt --avec @jean #equipe-projet --edition")
    text = room_texts(sent)
    assert "@jean" in text and "equipe-projet" in text and "/index.php/f/" in text
    listed = await all_shares(control)
    made = {(s["share_type"], s["share_with"], s["permissions"]) for s in listed}
    assert made == {(0, "jean", 3), (1, "equipe-projet", 3)}
    again = await bot.say("/partage plan.txt --avec @jean")
    assert "Déjà partagé avec @jean" in room_texts(again)


async def test_a_room_without_a_group_is_shared_with_its_members(
    bot: BotHarness, control: Any
) -> None:
    other = Room("r-cellule", "cellule", RoomType.PRIVATE)
    bot.chat.add_room(other, ["bot", AGENT.id, JEAN.id, ADMIN.id])
    await put_file(control)
    await bot.say("/partage plan.txt --avec #cellule")
    made = {(s["share_type"], s["share_with"]) for s in await all_shares(control)}
    assert made == {(0, "marie"), (0, "jean"), (0, "admin")}


async def test_a_room_the_caller_is_not_in_is_refused_and_its_members_stay_unnamed(
    bot: BotHarness, control: Any
) -> None:
    sophie = User("u-sophie", "sophie", "Sophie Germain", frozenset({"user"}))
    nobody = User("u-zoe", "zoe", "Zoé", frozenset({"user"}))  # no Nextcloud account
    bot.chat.add_user(sophie)
    bot.chat.add_user(nobody)
    bot.chat.add_room(Room("r-direction", "direction", RoomType.PRIVATE),
                      ["bot", JEAN.id, sophie.id, nobody.id])
    # A Nextcloud group named after a room does not open the room to non-members either.
    bot.chat.add_room(Room("r-rh", "cellule-rh", RoomType.PRIVATE), ["bot", JEAN.id])
    await control("POST", "groups", json={"gid": "cellule-rh", "members": ["jean"]})
    await put_file(control)
    for typed in ("#Direction", "#cellule-rh", "#fantome"):
        sent = await bot.say(f"/partage plan.txt --avec @jean {typed}")
        text = room_texts(sent)
        assert f"Vous n’êtes membre d’aucun salon nommé `{typed}`." in text, text
        assert not any(name in text for name in ("jean", "sophie", "zoe"))
    assert await all_shares(control) == []
    await bot.say("/langue en", user=ADMIN)
    english = await bot.say("/share plan.txt --with #direction", user=ADMIN)
    assert room_texts(english) == "You are not a member of a room named `#direction`."
    assert await all_shares(control) == []


async def test_a_new_document_is_a_valid_file_shared_for_editing_with_the_room(
    bot: BotHarness, control: Any
) -> None:
    sent = await bot.say("/partage nouveau compte-rendu.docx")
    path = "Partage/equipe-projet/compte-rendu.docx"
    _, report = await control("GET", f"ooxml/{BOT}", params={"path": path})
    assert report["valid"] and report["kind"] == "docx"
    [share] = await all_shares(control)
    assert (share["share_type"], share["share_with"], share["permissions"]) == (
        1, "equipe-projet", 3)
    assert "éditeur bureautique en ligne" in room_texts(sent)
    await control("POST", "policy", json={"onlyoffice_installed": False})
    await files_of(bot).refresh_policy()  # what the periodic job does
    bot_files_before = await bot_files(control)
    later = await bot.say("/partage nouveau budget.xlsx")
    assert "Pas d’éditeur bureautique" in room_texts(later)
    assert "Partage/equipe-projet/budget.xlsx" in set(await bot_files(control)) - set(
        bot_files_before)


async def test_a_new_document_needs_an_office_extension(bot: BotHarness, control: Any) -> None:
    sent = await bot.say("/partage nouveau notes.txt")
    assert ".docx" in room_texts(sent)
    assert await all_shares(control) == []


async def test_my_list_and_revocation_by_creator_or_moderator_only(
    bot: BotHarness, control: Any
) -> None:
    await put_file(control)
    await bot.say("/partage plan.txt --expire 3j")
    listing = room_texts(await bot.say("/partage liste"))
    assert "#1" in listing and "plan.txt" in listing and LINK.search(listing)
    assert "Vous n’avez aucun partage" in room_texts(await bot.say("/partage liste", user=JEAN))

    bot.chat.members[TEAM_ROOM.id].append(JEAN.id)
    denied = await bot.say("/partage revoquer 1", user=JEAN)
    assert "Seule la personne" in room_texts(denied)
    assert len(await all_shares(control)) == 1

    done = await bot.say("/partage revoquer 1")
    assert "révoqué" in room_texts(done)
    assert await all_shares(control) == []
    assert "déjà révoqué" in room_texts(await bot.say("/partage revoquer 1", user=ADMIN))
    assert "aucun partage" in room_texts(await bot.say("/partage liste"))


async def test_an_admin_revokes_a_share_already_gone_from_nextcloud(
    bot: BotHarness, control: Any
) -> None:
    await put_file(control)
    await bot.say("/partage plan.txt")
    nextcloud_share = (await all_shares(control))[0]["id"]
    await files_of(bot).delete_share(str(nextcloud_share))
    sent = await bot.say("/partage revoquer #1", user=ADMIN)
    assert "déjà disparu" in room_texts(sent)


@pytest.mark.parametrize("deleted", ["the share", "the file"])
async def test_revoking_a_share_deleted_in_a_french_nextcloud_closes_it(
    bot: BotHarness, control: Any, nextcloud: NextcloudSandbox, deleted: str
) -> None:
    """Real server, French account: DELETE …/shares/313 → meta 404 "ID de partage erroné, ce
    partage n'existe pas". The record is closed, and Nextcloud's number never shown."""
    nextcloud.state.shares._next_id = 313  # Nextcloud numbers shares of the whole instance
    await put_file(control)
    await bot.say("/partage plan.txt")
    [share] = await all_shares(control)
    assert share["id"] == "313"
    if deleted == "the share":
        await files_of(bot).delete_share("313")
    else:
        await files_of(bot).delete(PLAN)
    text = room_texts(await bot.say("/partage revoquer 1"))
    assert "déjà disparu" in text and "313" not in text and "n’existe pas" not in text
    assert "aucun partage" in room_texts(await bot.say("/partage liste"))
    assert "déjà révoqué" in room_texts(await bot.say("/partage revoquer 1"))


class LaterClock:
    """The bot's clock, moved forward by a test."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.ahead


async def test_revoking_a_share_nextcloud_let_expire_closes_it_without_an_error(
    settings: Settings, nextcloud: NextcloudSandbox, control: Any
) -> None:
    clock = LaterClock()
    harness = BotHarness(with_nextcloud(settings, nextcloud),
                         features=[core, partage.feature], clock=clock)
    async with harness as bot:
        await put_file(control)
        await bot.say("/partage plan.txt --expire 1j")
        [share] = await all_shares(control)
        # Two days later Nextcloud deletes the expired share as soon as it is read.
        clock.ahead = timedelta(days=2)
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        nextcloud.state.shares.shares[int(share["id"])].expiration = yesterday
        # Not revoked yet, but expired: no longer listed as in force.
        assert "aucun partage" in room_texts(await bot.say("/partage liste"))
        sent = room_texts(await bot.say("/partage revoquer 1"))
        assert "avait expiré le" in sent and "plan.txt" in sent
        assert "déjà révoqué" in room_texts(await bot.say("/partage revoquer 1"))


async def test_english_speakers_get_english_answers(bot: BotHarness, control: Any) -> None:
    await bot.say("/langue en")
    await put_file(control)
    sent = await bot.say("/share plan.txt --mdp --expire 2d")
    room = room_texts(sent)
    assert room.startswith("Link to `plan.txt`: ") and "It expires on" in room
    assert "Password of the link" in dm_texts(sent, "marie")
    assert "up with “..”" in room_texts(await bot.say("/share ../x"))
    assert "There is no `Partage/equipe-projet/none.pdf` in Nextcloud." in room_texts(
        await bot.say("/share none.pdf"))


async def test_without_nextcloud_settings_the_command_says_it_is_unavailable(
    settings: Settings,
) -> None:
    async with BotHarness(settings, features=[core, partage.feature]) as harness:
        sent = await harness.say("/partage plan.txt")
    assert "Nextcloud" in room_texts(sent)


# A French administration's Nextcloud answers the bot's account in French: the bot must not
# depend on the server's words. Each case reads the permissive policy first, then the admin
# tightens it, and the command runs while the bot's 300 s policy cache still holds the old one.
@pytest.mark.parametrize(
    ("tightened", "command", "answer", "server_words"),
    [
        ({"expire_date_enabled": True, "expire_date_days": 7, "expire_date_enforced": True},
         "/partage plan.txt --expire 30j",
         "Nextcloud autorise des liens de 7 jours au plus, je l’ai donc raccourci.",
         "Impossible de définir la date"),
        ({"links_enabled": False}, "/partage plan.txt",
         "Les liens publics sont désactivés sur Nextcloud par son administrateur",
         "Le partage de lien public"),
        ({"public_upload": False}, "/partage dossier --edition",
         "Nextcloud n’autorise pas la modification par lien public\u202f: lecture seule.",
         "Envois publics"),
    ],
)
async def test_a_french_server_tightened_within_the_policy_cache_gets_the_right_answer(
    *, bot: BotHarness, control: Any, tightened: dict[str, Any], command: str, answer: str,
    server_words: str,
) -> None:
    _, state = await control("GET", "state")
    assert state["users"][BOT]["language"] == "fr"
    await put_file(control)
    await put_file(control, "Partage/equipe-projet/dossier/a.txt")
    await bot.say("/partage plan.txt")  # reads and caches the permissive policy
    before = await all_shares(control)
    await control("POST", "policy", json=tightened)
    text = room_texts(await bot.say(command))
    assert answer in text, text
    assert "n’existe pas" not in text and server_words not in text
    made = (await all_shares(control))[len(before):]
    if tightened.get("links_enabled") is False:
        assert made == []
    elif "expire_date_days" in tightened:
        [share] = made
        assert share["expiration"] == f"{server_today() + timedelta(days=7)} 00:00:00"
    else:
        [share] = made
        assert share["permissions"] & 2 == 0  # read only


@pytest.mark.parametrize("recipient", ["@ensemble-bot", "@Ensemble-Bot"])
async def test_sharing_with_the_bot_itself_is_refused_up_front(
    bot: BotHarness, control: Any, recipient: str
) -> None:
    """Nextcloud's sharee search finds the bot's own account on its exact id (UserPlugin,
    Nextcloud 30); the share would then be refused in English inside a French reply."""
    await put_file(control)
    text = room_texts(await bot.say(f"/partage plan.txt --avec {recipient} @jean"))
    assert text == ("Je ne peux pas partager un fichier avec moi-même\u202f: nommez des "
                    "personnes, un salon ou un groupe.")
    assert await all_shares(control) == []
    await bot.say("/langue en")
    english = room_texts(await bot.say(f"/share plan.txt --with {recipient}"))
    assert english == "I cannot share a file with myself: name people, a room or a group."



REQUEST_TOKEN = re.compile(r'name="requesttoken" value="([^"]+)"')


async def test_a_protected_link_the_bot_gives_opens_with_its_password_only(
    bot: BotHarness, control: Any
) -> None:
    """The link in the room leads to Nextcloud's password page; the password sent by DM
    unlocks the download; a wrong one is refused (ShareController, publicshareauth.php and
    public WebDAV of Nextcloud 30.0.1, as the sandbox plays them)."""
    await put_file(control)
    sent = await bot.say("/partage plan.txt")
    [link] = LINK.findall(room_texts(sent))
    match = PASSWORD.search(dm_texts(sent, "marie"))
    assert match is not None
    password = match.group(1)
    jar = aiohttp.CookieJar(unsafe=True)  # the sandbox is on an IP address
    headers = {"Accept-Language": "fr-FR,fr;q=0.9"}
    async with aiohttp.ClientSession(cookie_jar=jar, headers=headers) as browser:
        async with browser.get(link) as page:
            assert page.url.path.endswith("/authenticate/showShare")
            form = await page.text()
        assert "Ce partage est protégé par mot de passe" in form
        token = REQUEST_TOKEN.search(form)
        assert token is not None
        async with browser.post(page.url, data={"password": "pas-le-bon",
                                                "requesttoken": token.group(1)}) as wrong:
            assert wrong.status == 200
            assert "Le mot de passe est incorrect" in await wrong.text()
        async with browser.get(f"{link}/download") as locked:
            assert locked.url.path.endswith("/authenticate/downloadShare")
            assert await locked.read() != b"x"
        async with browser.post(page.url, data={"password": password,
                                                "requesttoken": token.group(1)}) as unlocked:
            assert unlocked.status == 200 and unlocked.url.path == page.url.path.split(
                "/authenticate")[0]
            assert "plan.txt" in await unlocked.text()
        async with browser.get(f"{link}/download") as download:
            assert download.status == 200 and await download.read() == b"x"
    token_part = link.rsplit("/", 1)[1]
    dav = link.replace(f"/index.php/s/{token_part}", f"/public.php/dav/files/{token_part}")
    async with aiohttp.ClientSession() as client:
        right = {"Authorization": aiohttp.encode_basic_auth("anonymous", password)}
        async with client.get(dav, headers=right) as file:
            assert file.status == 200 and await file.read() == b"x"
        wrong_auth = {"Authorization": aiohttp.encode_basic_auth("anonymous", "pas-le-bon")}
        async with client.get(dav, headers=wrong_auth) as bad:
            assert bad.status == 401
        async with client.get(dav) as anonymous:
            assert anonymous.status == 401
