"""PARTAGEONS as a slice: /partage and the tables of the shares and room folders."""

from __future__ import annotations

from pathlib import Path

from bot.digest import DigestSections
from bot.feature import Feature
from bot.ports.files import FILES_PORT
from bot.runtime import Runtime
from commands.partage.digest import SharesSection
from commands.partage.router import router
from commands.partage.settings import SharingSettings
from commands.partage.sharing import Sharing
from commands.partage.store import RoomFolders, ShareRecords


async def install(runtime: Runtime) -> None:
    records, folders = ShareRecords(runtime.database), RoomFolders(runtime.database)
    runtime.provide(ShareRecords, records)
    runtime.provide(RoomFolders, folders)
    runtime.services.get(DigestSections).add(SharesSection(records))
    runtime.provide(Sharing, Sharing(records, folders, runtime.services.get(SharingSettings)))


feature = Feature(
    name="shares",
    routers=[router],
    migrations=Path(__file__).resolve().parent / "migrations",
    install=install,
    needs=[FILES_PORT],
    settings=SharingSettings,
    settings_section="nextcloud",
)
