"""Nextcloud adapter (nc-py-api) implementing bot.ports.files.FilesPort, in
`integrations.nextcloud.adapter`; this package imports nothing, so that reading its settings
loads no client."""
