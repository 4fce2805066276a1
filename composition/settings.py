"""The one settings model the bot reads: the core's, each adapter's section, each feature's.

A feature whose variables have always sat in a service's section (ENSEMBLE_JITSI__,
ENSEMBLE_NEXTCLOUD__, ENSEMBLE_WEKAN__) keeps them there: its settings class and the adapter's
are joined into one section here, so no variable changes name, and the Application hands the
feature its part (as the class the feature declares)."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from bot.config import Settings
from commands.accueil.settings import AccueilSettings
from commands.crise.settings import CrisisSettings
from commands.digest.settings import DigestSettings
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
    digest: DigestSettings = Field(
        default_factory=DigestSettings, description="/digest: scheduled digests"
    )
    accueil: AccueilSettings = Field(
        default_factory=AccueilSettings,
        description="The welcome of newcomers and the écogestes suggestions",
    )

    @model_validator(mode="after")
    def _welcome_links(self) -> EnsembleSettings:
        """The welcome links to each service at the URL the bot uses, unless told otherwise."""
        accueil = self.accueil
        accueil.chat_url = accueil.chat_url or self.rocketchat.url
        accueil.meetings_url = accueil.meetings_url or self.jitsi.base_url
        accueil.files_url = accueil.files_url or self.nextcloud.url
        accueil.boards_url = accueil.boards_url or self.wekan.url
        return self

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
