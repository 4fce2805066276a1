"""The welcome text of one person, in their language, and sending it once."""

from __future__ import annotations

from bot.i18n import N_, Catalogs, Translator
from bot.models import Message, User
from bot.ports import ChatPort
from bot.store.repositories import Preferences
from commands.accueil.settings import AccueilSettings

# (name, what it offers, the placeholder of its link): the order of the welcome.
SERVICES = (
    ("DISCUTONS", N_("rooms and direct messages, here in the chat"), "chat_url"),
    ("RÉUNIONS", N_("video meetings, with a waiting room for people from outside"),
     "meetings_url"),
    ("PARTAGEONS", N_("shared documents instead of attachments, edited together"), "files_url"),
    ("PLANIFIONS", N_("task boards for each team"), "boards_url"),
)
FIRST_COMMANDS = (
    ("/reunion", N_("a meeting now, with a personal link for everyone in the room")),
    ("/partage nouveau notes.docx", N_("a document to write together")),
    ("/tache", N_("a card on the board of your team")),
)


def placeholders(settings: AccueilSettings, user: User) -> dict[str, str]:
    links = {
        name: str(getattr(settings, name) or "")
        for name in ("chat_url", "meetings_url", "files_url", "boards_url")
    }
    return {"name": user.label, "username": user.username, **links}


def default_text(translator: Translator, values: dict[str, str]) -> str:
    lines = [
        translator.t(N_("Welcome to ENSEMBLE, {name}!"), name=values["name"]),
        "",
        translator.t(N_("ENSEMBLE is the digital workplace of your administration, on its own "
                        "servers:")),
    ]
    for name, offer, link in SERVICES:
        line = translator.t(N_("**{service}**: {offer}"), service=name, offer=translator.t(offer))
        lines.append(f"- {line} {values[link]}".rstrip())
    lines += ["", translator.t(N_("Three commands to try first:"))]
    for command, does in FIRST_COMMANDS:
        lines.append("- " + translator.t(N_("`{command}`: {does}"), command=command,
                                         does=translator.t(does)))
    lines += ["", translator.t(N_("Type /aide to see everything I can do."))]
    return "\n".join(lines)


class Welcomer:
    """Writes the welcome of a person in their language and sends it by direct message."""

    def __init__(
        self,
        settings: AccueilSettings,
        catalogs: Catalogs,
        preferences: Preferences,
        chat: ChatPort,
    ) -> None:
        self.settings = settings
        self._catalogs = catalogs
        self._preferences = preferences
        self._chat = chat

    async def translator_for(self, user: User) -> Translator:
        """Their /langue choice, else the language of their chat account, else the default."""
        chosen = await self._preferences.locale(user.id) if user.id else None
        language = chosen or user.language.replace("_", "-").split("-")[0]
        return self._catalogs.get(language or None)

    def text(self, translator: Translator, user: User) -> str:
        values = placeholders(self.settings, user)
        custom = self.settings.template(translator.language)
        return custom.format(**values) if custom else default_text(translator, values)

    async def send(self, user: User, key: str) -> str:
        text = self.text(await self.translator_for(user), user)
        return await self._chat.send_direct(user.username, Message(text, idempotency_key=key))
