"""The router of /partage; its commands are declared in share, documents and manage."""

from bot.routing import Router

router = Router()
