"""What the companion Rocket.Chat App says by itself, keyed as its i18n files name them.

The app's i18n files are generated from the bot’s catalogs (composition/app_manifest.py), so
its own few sentences are translated where all the bot’s are, in locales/*/rocketchat_app.po.
"""

from __future__ import annotations

from bot.i18n import N_

APP_TEXTS: dict[str, str] = {
    "setting_bot_url": N_("ENSEMBLE bot URL"),
    "setting_bot_url_description": N_(
        "Where the bot’s HTTP server is reached from Rocket.Chat, e.g. http://ensemble-bot:8080"
    ),
    "setting_shared_secret": N_("Shared secret"),
    "setting_shared_secret_description": N_(
        "The same value as the bot’s ENSEMBLE_ROCKETCHAT__APP_SECRET (32 characters or more)"
    ),
    "bot_unreachable": N_(
        "The ENSEMBLE bot cannot be reached right now, so /{command} was not run. Please try "
        "again in a moment; if it lasts, tell the platform administrators."
    ),
    "bot_not_configured": N_(
        "The ENSEMBLE app is not set up yet (bot URL and shared secret): please tell the "
        "platform administrators."
    ),
}
