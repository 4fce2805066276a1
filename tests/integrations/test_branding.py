"""The administration's branding where each outside service shows it: attachment colours in
Rocket.Chat, the meeting window's title in Jitsi, the organizer of .ics invitations."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr, ValidationError

from bot.config import BrandingSettings
from bot.models import Attachment, Message
from commands.reunion.calendar import invitation
from commands.reunion.store import Meeting, MeetingStatus
from composition.settings import EnsembleSettings
from integrations.jitsi.meetings import JitsiMeetings
from integrations.jitsi.settings import JitsiSettings
from integrations.rocketchat.wire import message_payload


def test_every_attachment_wears_the_branding_colour() -> None:
    message = Message("", attachments=(Attachment(title="a", color="#1d74f5"), Attachment("b")))
    plain = message_payload("room", message)
    assert [a.get("color") for a in plain["attachments"]] == ["#1d74f5", None]
    branded = message_payload("room", message, color="#000091")
    assert [a["color"] for a in branded["attachments"]] == ["#000091", "#000091"]


def test_the_meeting_window_title_starts_with_the_administration() -> None:
    jitsi = JitsiSettings(base_url="https://visio.example.org",  # type: ignore[arg-type]
                          app_secret=SecretStr("s" * 40))
    meetings = JitsiMeetings(jitsi, organization="Mairie de Lyon")
    url = meetings.public_url("point-abc", subject="Point hebdo", language="fr")
    subject = urlsplit(url).fragment.split("config.subject=")[1]
    assert json.loads(unquote(subject)) == "Mairie de Lyon · Point hebdo"


def meeting() -> Meeting:
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    return Meeting(1, "point-abc", "Point hebdo", "u1", "marie", "r1", start,
                   start + timedelta(hours=1), True, MeetingStatus.PLANNED, False, None, False)


def test_the_ics_organizer_is_the_configured_name() -> None:
    def ics(branding: BrandingSettings) -> str:
        return invitation(meeting(), url="https://visio.example.org/point-abc", description="",
                          tz=ZoneInfo("Europe/Paris"), now=datetime.now(UTC),
                          branding=branding).decode()

    assert "ORGANIZER" not in ics(BrandingSettings())
    named = ics(BrandingSettings(ics_organizer="Mairie de Lyon",
                                 ics_organizer_email="visio@lyon.fr"))
    assert 'ORGANIZER;CN="Mairie de Lyon":mailto:visio@lyon.fr' in named.replace("\r\n ", "")


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [("COLOR", "bleu", "#RRGGBB"), ("AVATAR", "/nonexistent/logo.png", "is not a file")],
)
def test_bad_branding_stops_the_start_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reason: str
) -> None:
    monkeypatch.setenv(f"ENSEMBLE_BRANDING__{variable}", value)
    with pytest.raises(ValidationError) as raised:
        EnsembleSettings()
    assert f"branding.{variable.lower()}" in str(raised.value) and reason in str(raised.value)


def test_an_avatar_must_be_an_image(tmp_path: Path) -> None:
    text = tmp_path / "logo.png"
    text.write_text("not an image")
    with pytest.raises(ValidationError, match="is not a PNG, JPEG, GIF, WebP or SVG"):
        BrandingSettings(avatar=str(text))
    assert BrandingSettings(avatar="https://cdn.example.org/logo.png").avatar
