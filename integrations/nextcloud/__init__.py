"""Nextcloud adapter (nc-py-api) implementing bot.ports.files.FilesPort."""

from integrations.nextcloud.adapter import NextcloudFiles

__all__ = ["NextcloudFiles"]
