"""The tokens, room names and links Jitsi will see."""

from __future__ import annotations

import json
import logging
import math
import re
import string
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
import pytest
from pydantic import SecretStr

from bot.config import JitsiSettings
from bot.ports.meetings import Attendee, MeetingRole
from integrations.jitsi import JitsiMeetings, JitsiNotConfigured
from integrations.jitsi.rooms import room_name, slugify

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


def link(meetings: JitsiMeetings, attendee: Attendee, **kwargs: Any) -> str:
    return meetings.personal_link(
        "reunion-point-hebdo-k3v9x2m7qa",
        subject="Point hebdo",
        language="fr",
        attendee=attendee,
        group="r-team",
        now=NOW,
        expires_at=EXPIRY,
        **kwargs,
    ).url


def assert_common_claims(claims: dict[str, Any]) -> None:
    assert claims["iss"] == "ensemble"
    assert claims["aud"] == "visio-ville" and isinstance(claims["aud"], str)
    assert claims["sub"] == "meet.jitsi"
    assert claims["room"] == "reunion-point-hebdo-k3v9x2m7qa"
    assert claims["iat"] == int(NOW.timestamp())
    assert claims["nbf"] == int(NOW.timestamp()) - 60
    assert claims["exp"] == int(EXPIRY.timestamp())
    assert claims["context"]["group"] == "r-team"
    assert None not in claims["context"]["user"].values()


def test_organizer_token_makes_an_owner_who_skips_the_lobby() -> None:
    meetings = JitsiMeetings(settings(), "https://chat.example.org/")
    claims = decode(link(meetings, ORGANIZER))
    assert_common_claims(claims)
    assert claims["moderator"] is True
    assert claims["context"]["user"] == {
        "id": "u-marie",
        "name": "Marie Curie",
        "avatar": "https://chat.example.org/avatar/marie",
        "moderator": True,
        "affiliation": "owner",
        "lobby_bypass": True,
    }
    assert claims["context"]["room"] == {"lobby": True}


def test_member_token_is_a_member_who_skips_the_lobby() -> None:
    claims = decode(link(JitsiMeetings(settings(), "https://chat.example.org"), MEMBER))
    assert_common_claims(claims)
    assert claims["moderator"] is False
    assert claims["context"]["user"] == {
        "id": "u-jean",
        "name": "Jean Moulin",
        "avatar": "https://chat.example.org/avatar/jean",
        "moderator": False,
        "affiliation": "member",
        "lobby_bypass": True,
    }
    assert "room" not in claims["context"]


def test_guest_token_knocks_in_the_lobby() -> None:
    claims = decode(link(JitsiMeetings(settings(), "https://chat.example.org"), GUEST))
    assert_common_claims(claims)
    assert "moderator" not in claims
    assert claims["context"]["user"] == {
        "name": "Invité·e",
        "moderator": False,
        "affiliation": "member",
    }


def test_without_the_chat_url_there_is_no_avatar_rather_than_null() -> None:
    claims = decode(link(JitsiMeetings(settings()), MEMBER))
    assert "avatar" not in claims["context"]["user"]


def test_audience_defaults_to_the_app_id_and_a_tenant_becomes_sub() -> None:
    meetings = JitsiMeetings(settings(audience=None, tenant="Mairie"))
    url = link(meetings, MEMBER)
    assert url.startswith("https://visio.example.org/mairie/reunion-point-hebdo-k3v9x2m7qa?")
    claims = decode(url, audience="ensemble")
    assert claims["sub"] == "mairie"


def test_link_carries_language_subject_and_the_token_in_query_or_fragment() -> None:
    url = link(JitsiMeetings(settings()), MEMBER)
    parts = urlsplit(url)
    assert parse_qs(parts.query)["lang"] == ["fr"]
    assert "jwt" in parse_qs(parts.query)
    subject = parse_qs(parts.fragment)["config.subject"][0]
    assert json.loads(subject) == "Point hebdo"
    in_fragment = link(JitsiMeetings(settings(token_in_fragment=True)), MEMBER)
    assert "jwt=" not in urlsplit(in_fragment).query
    assert "jwt" in parse_qs(urlsplit(in_fragment).fragment)
    decode(in_fragment)


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
            group="r",
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
