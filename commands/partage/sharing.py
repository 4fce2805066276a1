"""What /partage's helpers need besides the file server, given to its handlers as one service."""

from __future__ import annotations

from dataclasses import dataclass

from commands.partage.settings import SharingSettings
from commands.partage.store import RoomFolders, ShareRecords


@dataclass(frozen=True, slots=True)
class Sharing:
    records: ShareRecords
    folders: RoomFolders
    settings: SharingSettings
