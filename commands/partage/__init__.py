"""PARTAGEONS: /partage turns files into Nextcloud links (bot.ports.files.FilesPort)."""

from commands.partage import documents, manage, share
from commands.partage.feature import feature
from commands.partage.router import router

__all__ = ["documents", "feature", "manage", "router", "share"]
