"""The one settings model the bot reads: the core's, each adapter's section, each feature's.

A feature whose variables have always sat in a service's section (ENSEMBLE_JITSI__,
ENSEMBLE_NEXTCLOUD__, ENSEMBLE_WEKAN__) keeps them there: its settings class and the adapter's
are joined into one section here, so no variable changes name, and the Application hands the
feature its part (as the class the feature declares)."""

from __future__ import annotations

from pydantic import Field, field_validator

from bot.config import Settings
from commands.crise.settings import CrisisSettings
from commands.kanban.settings import BoardSettings
from commands.partage.settings import SharingSettings
from commands.reunion.settings import MeetingSettings
from integrations.jitsi import settings as jitsi_settings
from integrations.jitsi.settings import JitsiSettings
from integrations.nextcloud import settings as nextcloud_settings
from integrations.nextcloud.settings import NextcloudSettings
from integrations.rocketchat.settings import RocketChatSettings
from integrations.wekan import settings as wekan_settings
from integrations.wekan.settings import WekanSettings


class JitsiSection(JitsiSettings, MeetingSettings):
    """ENSEMBLE_JITSI__: the Jitsi adapter's settings and /reunion's."""


class NextcloudSection(NextcloudSettings, SharingSettings):
    """ENSEMBLE_NEXTCLOUD__: the Nextcloud adapter's settings and /partage's."""


class WekanSection(WekanSettings, BoardSettings):
    """ENSEMBLE_WEKAN__: the Wekan adapter's settings and /tache's."""


class EnsembleSettings(Settings):
    rocketchat: RocketChatSettings = Field(
        default_factory=RocketChatSettings, description="Rocket.Chat, the chat the bot lives in"
    )
    jitsi: JitsiSection = Field(
        default_factory=JitsiSection,
        description="Jitsi, for /reunion and the call button; all unset = meetings off",
    )
    nextcloud: NextcloudSection = Field(
        default_factory=NextcloudSection,
        description="Nextcloud, for /partage; all unset = file sharing off",
    )
    wekan: WekanSection = Field(
        default_factory=WekanSection, description="Wekan, for /tache and /kanban; all unset = off"
    )
    crisis: CrisisSettings = Field(
        default_factory=CrisisSettings,
        description="/crise: rosters, reminders, quiet hours, announcement room",
    )

    @field_validator("jitsi")
    @classmethod
    def _jitsi_usable(cls, value: JitsiSection) -> JitsiSection:
        jitsi_settings.usable(value)
        return value

    @field_validator("nextcloud")
    @classmethod
    def _nextcloud_usable(cls, value: NextcloudSection) -> NextcloudSection:
        nextcloud_settings.usable(value)
        return value

    @field_validator("wekan")
    @classmethod
    def _wekan_usable(cls, value: WekanSection) -> WekanSection:
        wekan_settings.usable(value)
        return value
