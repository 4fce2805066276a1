"""The tokens, room names and links Jitsi will see."""

from __future__ import annotations

import json
import logging
import math
import re
import string
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
import pytest
from pydantic import SecretStr

from bot.ports.meetings import Attendee, MeetingRole
from composition.settings import EnsembleSettings as Settings
from integrations.jitsi.meetings import JitsiMeetings, JitsiNotConfigured
from integrations.jitsi.rooms import room_name, slugify
from integrations.jitsi.settings import JitsiSettings

SECRET = "s" * 40
NOW = datetime(2026, 11, 28, 14, 30, tzinfo=UTC)
EXPIRY = NOW + timedelta(hours=4)
ORGANIZER = Attendee(MeetingRole.ORGANIZER, "Marie Curie", "u-marie", "marie")
MEMBER = Attendee(MeetingRole.MEMBER, "Jean Moulin", "u-jean", "jean")
GUEST = Attendee(MeetingRole.GUEST, "Invité·e")
ROOM_NAME = re.compile(r"^reunion-(?:[a-z0-9]+(?:-[a-z0-9]+)*-)?[a-z0-9]{16}$")


def settings(**overrides: Any) -> JitsiSettings:
    values: dict[str, Any] = {
        "base_url": "https://visio.example.org",
        "xmpp_domain": "meet.jitsi",
        "app_id": "ensemble",
        "audience": "visio-ville",
        "app_secret": SecretStr(SECRET),
    }
    return JitsiSettings(**(values | overrides))


def token_of(url: str) -> str:
    parts = urlsplit(url)
    found = parse_qs(parts.query).get("jwt") or parse_qs(parts.fragment).get("jwt")
    assert found, url
    return found[0]


def decode(url: str, audience: str = "visio-ville") -> dict[str, Any]:
    token = token_of(url)
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "typ": "JWT"}
    claims: dict[str, Any] = jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience=audience,
        issuer="ensemble",
        # Time claims are checked against the test's clock below, not the wall clock.
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    return claims


def link(meetings: JitsiMeetings, attendee: Attendee, subject: str = "Point hebdo") -> str:
    return meetings.personal_link(
        "reunion-point-hebdo-k3v9x2m7qa",
        subject=subject,
        language="fr",
        attendee=attendee,
        now=NOW,
        expires_at=EXPIRY,
    ).url


HASH_KEY_BLACKLIST = {"__proto__", "constructor", "prototype"}
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def decode_uri_component(value: str) -> str:
    if _BAD_ESCAPE.search(value):
        raise ValueError(f"URIError: malformed URI sequence in {value!r}")
    return unquote(value, errors="strict")


def web_client_hash_params(url: str) -> dict[str, Any]:
    """The hash as the Jitsi web client reads it: a port of jitsi-meet
    react/features/base/util/parseURLParams.ts `parseURLParams(url)` (source 'hash'), where a
    value that fails to parse is reported and dropped."""
    params: dict[str, Any] = {}
    for part in urlsplit(url).fragment.split("&"):
        pieces = part.split("=")
        key = pieces[0]
        if not key or any(k in HASH_KEY_BLACKLIST for k in key.split(".")):
            continue
        raw = pieces[1] if len(pieces) > 1 else "undefined"
        try:
            decoded = decode_uri_component(raw).replace("\\&", "&", 1)
            decoded = re.sub("[\u2018\u2019]", "'", decoded)
            decoded = re.sub("[\u201c\u201d]", '"', decoded)
            params[key] = None if decoded == "undefined" else json.loads(decoded)
        except ValueError:
            continue
    return params


def assert_common_claims(claims: dict[str, Any]) -> None:
    assert claims["iss"] == "ensemble"
    assert claims["aud"] == "visio-ville" and isinstance(claims["aud"], str)
    assert claims["sub"] == "meet.jitsi"
    assert claims["room"] == "reunion-point-hebdo-k3v9x2m7qa"
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["nbf"] == int(NOW.timestamp()) - 60
    assert claims["exp"] == int(EXPIRY.timestamp())
    # Every token asks token_security_ondemand for the lobby; no chat room id travels.
    assert claims["context"] == {"user": claims["context"]["user"], "room": {"lobby": True}}
    assert None not in claims["context"]["user"].values()


OPAQUE_ID = re.compile(r"^[0-9a-f]{32}$")


def test_organizer_token_makes_an_owner_who_skips_the_lobby() -> None:
    meetings = JitsiMeetings(settings(), "https://chat.example.org/")
    claims = decode(link(meetings, ORGANIZER))
    assert_common_claims(claims)
    assert claims["moderator"] is True
    user = claims["context"]["user"]
    assert OPAQUE_ID.match(user["id"])
    assert user == {
        "id": user["id"],
        "name": "Marie Curie",
        "moderator": True,
        "affiliation": "owner",
        "lobby_bypass": True,
    }


def test_member_token_is_a_member_who_skips_the_lobby() -> None:
    claims = decode(link(JitsiMeetings(settings(), "https://chat.example.org"), MEMBER))
    assert_common_claims(claims)
    assert claims["moderator"] is False
    user = claims["context"]["user"]
    assert OPAQUE_ID.match(user["id"])
    assert user == {
        "id": user["id"],
        "name": "Jean Moulin",
        "moderator": False,
        "affiliation": "member",
        "lobby_bypass": True,
    }


def test_guest_token_knocks_in_the_lobby() -> None:
    claims = decode(link(JitsiMeetings(settings(), "https://chat.example.org"), GUEST))
    assert_common_claims(claims)
    assert "moderator" not in claims
    assert claims["context"]["user"] == {
        "name": "Invité·e",
        "moderator": False,
        "affiliation": "member",
    }


def test_tokens_carry_neither_the_chat_ids_nor_the_avatar_url() -> None:
    """Everyone in the meeting can read a token: no chat host, username, user or room id."""
    meetings = JitsiMeetings(settings(), "https://chat.example.org")
    marie = decode(link(meetings, ORGANIZER))
    jean = decode(link(meetings, MEMBER))
    for claims in (marie, jean):
        body = json.dumps(claims)
        for personal in ("chat.example.org", "avatar", "u-marie", "u-jean", "r-team", "group"):
            assert personal not in body, personal
    # Opaque but stable: the same person gets the same id in every token, two people differ.
    marie_id = marie["context"]["user"]["id"]
    assert decode(link(meetings, ORGANIZER))["context"]["user"]["id"] == marie_id
    assert marie_id != jean["context"]["user"]["id"]


def test_the_avatar_goes_into_tokens_only_when_asked_for() -> None:
    asked = JitsiMeetings(settings(token_avatar=True), "https://chat.example.org/")
    claims = decode(link(asked, MEMBER))
    assert claims["context"]["user"]["avatar"] == "https://chat.example.org/avatar/jean"
    assert "avatar" not in decode(link(asked, GUEST))["context"]["user"]
    without_chat_url = decode(link(JitsiMeetings(settings(token_avatar=True)), MEMBER))
    assert "avatar" not in without_chat_url["context"]["user"]


def test_lobby_autostart_is_read_from_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENSEMBLE_JITSI__BASE_URL", "https://visio.example.org")
    monkeypatch.setenv("ENSEMBLE_JITSI__APP_SECRET", SECRET)
    assert not JitsiMeetings(Settings(_env_file=None).jitsi).capabilities.lobby_autostart
    monkeypatch.setenv("ENSEMBLE_JITSI__LOBBY_AUTOSTART", "true")
    assert JitsiMeetings(Settings(_env_file=None).jitsi).capabilities.lobby_autostart


def test_audience_defaults_to_the_app_id_and_a_tenant_becomes_sub() -> None:
    meetings = JitsiMeetings(settings(audience=None, tenant="Mairie"))
    url = link(meetings, MEMBER)
    assert url.startswith("https://visio.example.org/mairie/reunion-point-hebdo-k3v9x2m7qa?")
    claims = decode(url, audience="ensemble")
    assert claims["sub"] == "mairie"


def test_link_carries_language_subject_and_the_token_in_the_query() -> None:
    url = link(JitsiMeetings(settings()), MEMBER)
    parts = urlsplit(url)
    assert parse_qs(parts.query)["lang"] == ["fr"]
    assert "jwt" in parse_qs(parts.query)
    assert web_client_hash_params(url) == {"config.subject": "Point hebdo"}
    decode(url)


@pytest.mark.parametrize(
    "subject", ["Point hebdo", "Réunion “budget” d’équipe", "R&D \\& co = 100 %", "会議"]
)
def test_the_web_client_reads_the_token_and_subject_from_the_fragment(subject: str) -> None:
    url = link(JitsiMeetings(settings(token_in_fragment=True)), MEMBER, subject=subject)
    assert "jwt" not in parse_qs(urlsplit(url).query)
    params = web_client_hash_params(url)
    assert params["config.subject"] == subject
    token = params["jwt"]
    assert isinstance(token, str)
    claims = jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience="visio-ville",
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    assert claims["room"] == "reunion-point-hebdo-k3v9x2m7qa"
    # Nothing in the link that a chat client would take for its end.
    assert re.fullmatch(r"[A-Za-z0-9%._~:/?#=&-]+", url), url


def test_public_url_has_no_token() -> None:
    meetings = JitsiMeetings(settings())
    url = meetings.public_url("reunion-x-k3v9x2m7qa", subject='Le "grand" point', language="en")
    assert "jwt" not in url
    assert url.startswith("https://visio.example.org/reunion-x-k3v9x2m7qa?lang=en#config.subject=")
    encoded = url.split("config.subject=", 1)[1]
    assert encoded.startswith("%22") and json.loads(unquote(encoded)) == 'Le "grand" point'


def test_a_token_is_never_minted_for_every_room() -> None:
    meetings = JitsiMeetings(settings())
    with pytest.raises(ValueError, match="one named room"):
        meetings.personal_link(
            "*",
            subject="x",
            language="fr",
            attendee=MEMBER,
            now=NOW,
            expires_at=EXPIRY,
        )


def test_service_needs_url_and_secret() -> None:
    with pytest.raises(JitsiNotConfigured):
        JitsiMeetings(settings(app_secret=None))
    with pytest.raises(JitsiNotConfigured):
        JitsiMeetings(settings(base_url=None))


def test_short_secret_is_warned_about_once_and_never_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    short = "court-secret-de-ville"
    with caplog.at_level(logging.INFO):
        meetings = JitsiMeetings(settings(app_secret=SecretStr(short)))
        url = link(meetings, MEMBER)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "32 bytes" in warnings[0].getMessage()
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert short not in logged
    assert token_of(url) not in logged
    # What is logged about a token: room, sub, exp and user id.
    signed = next(r for r in caplog.records if r.getMessage() == "meeting link signed")
    assert (signed.room, signed.sub, signed.user_id) == (  # type: ignore[attr-defined]
        "reunion-point-hebdo-k3v9x2m7qa",
        "meet.jitsi",
        "u-jean",
    )
    assert signed.exp == int(EXPIRY.timestamp())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Réunion Conseil de quartier", "reunion-conseil-de-quart"),
        ("Point hebdo !!", "point-hebdo"),
        ("Ça coûte 100 € ?", "ca-coute-100"),
        ("", ""),
        ("会議", ""),
    ],
)
def test_slugs_are_lowercase_ascii(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_room_names_are_readable_unguessable_and_short() -> None:
    names = [room_name("Réunion du Conseil municipal extraordinaire") for _ in range(1000)]
    assert len(set(names)) == 1000
    for name in names:
        assert ROOM_NAME.match(name), name
        assert len(name) <= 64 and name == name.lower() and name.isascii()
        assert name.startswith("reunion-reunion-du-conseil-munic-")
    randoms = [name.rsplit("-", 1)[1] for name in names]
    alphabet = set("".join(randoms))
    assert alphabet == set(string.ascii_lowercase + string.digits)
    assert ROOM_NAME.match(room_name("")) and ROOM_NAME.match(room_name("!!!"))


def test_room_names_carry_at_least_80_bits_and_fit_in_64_characters() -> None:
    """At least 80 bits, not the ≈ 51 bits of 10 characters: guest links carry no token."""
    longest_title = "Conseil municipal extraordinaire de la ville"
    names = [room_name(longest_title) for _ in range(2000)]
    prefix = "reunion-conseil-municipal-extrao-"  # the slug is cut at 24 characters
    assert all(name.startswith(prefix) for name in names)
    randoms = [name.removeprefix(prefix) for name in names]
    assert {len(random) for random in randoms} == {len(randoms[0])}
    alphabet = set("".join(randoms))
    assert alphabet <= set(string.ascii_lowercase + string.digits)
    bits = len(randoms[0]) * math.log2(len(alphabet))
    assert bits >= 80, f"{bits:.1f} bits"
    assert max(len(name) for name in names) <= 64


def test_call_rooms_follow_the_rocket_chat_app_or_are_generated() -> None:
    named = JitsiMeetings(settings(call_room_prefix="RocketChat", call_room_suffix="-visio"))
    assert named.call_room_name("6502F1c2a7", "Appel") == "rocketchat6502f1c2a7-visio"
    generated = JitsiMeetings(settings(call_room_from_call_id=False))
    assert ROOM_NAME.match(generated.call_room_name("6502f1c2a7", "Appel vidéo"))


def test_the_signing_library_is_loaded_by_the_first_link_not_by_the_start() -> None:
    """PyJWT brings `cryptography` (about 8.5 MiB resident): a bot pays for it once it signs."""
    script = (
        "import sys\n"
        "from integrations.jitsi.tokens import Signer\n"
        "import composition.root\n"
        "print('jwt' in sys.modules)\n"
        "Signer('ensemble', 'visio', 'meet.jitsi', 's' * 40).sign({'room': 'r'})\n"
        "print('jwt' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "True"]
