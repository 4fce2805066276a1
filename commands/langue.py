"""/langue: the language the bot speaks to this user."""

from __future__ import annotations

from bot.context import Context
from bot.errors import ArgumentError
from bot.i18n import N_, SUPPORTED_LOCALES, Catalogs
from bot.routing import Router, argument
from bot.store.repositories import Preferences

router = Router()
LANGUAGE_NAMES = {
    "français": "fr",
    "francais": "fr",
    "french": "fr",
    "anglais": "en",
    "english": "en",
}


def parse_language(value: str, _ctx: Context) -> str:
    language = value.lower().strip()
    language = LANGUAGE_NAMES.get(language, language)
    if language not in SUPPORTED_LOCALES:
        raise ArgumentError(
            N_("Unsupported language {language}; choose one of: {choices}."),
            language=value,
            choices=", ".join(SUPPORTED_LOCALES),
        )
    return language


@router.command(
    "langue",
    aliases=("lang", "language"),
    help=N_("Choose the language I answer you in"),
    examples=("/langue en", "/lang fr"),
)
@argument("code", parse_language, metavar=N_("language"), help=N_("fr or en"))
async def langue(ctx: Context, preferences: Preferences, catalogs: Catalogs, code: str) -> None:
    await preferences.set_locale(ctx.user.id, code)
    chosen = catalogs.get(code)
    await ctx.reply(chosen.t(N_("From now on I will answer you in English.")))
