"""PARTAGEONS: the /partage router, the shares store and, when configured, Nextcloud."""

from __future__ import annotations

from bot.config import NextcloudSettings
from bot.ports.files import FILES_PORT
from bot.runtime import Runtime
from bot.store.shares import RoomFolders, ShareRecords
from commands.partage import router
from integrations.nextcloud import NextcloudFiles


def configured(settings: NextcloudSettings) -> bool:
    return None not in (settings.url, settings.username, settings.app_password)


async def install(runtime: Runtime) -> None:
    runtime.routers.append(router)
    runtime.services.register(ShareRecords, ShareRecords(runtime.database))
    runtime.services.register(RoomFolders, RoomFolders(runtime.database))
    settings = runtime.settings.nextcloud
    if not configured(settings):
        return
    files = NextcloudFiles(settings)
    runtime.services.register(FILES_PORT, files)
    runtime.on_stop.append(files.close)

    async def refresh() -> None:
        await files.refresh_policy()

    # nc-py-api caches capabilities for the session's life (nc-py-api 0.30 _session.py
    # `capabilities`, refreshed only by update_server_info): re-read the admin's policy.
    runtime.scheduler.every("nextcloud-policy", settings.policy_refresh_seconds, refresh)
