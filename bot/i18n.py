"""Message catalogs (gettext .po under locales/<lang>/LC_MESSAGES/*.po) and Babel formatting."""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_datetime, format_timedelta
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

SUPPORTED_LOCALES = ("fr", "en")
# The repository's locales/ folder, installed as this package (pyproject.toml maps it), so a
# wheel carries the catalogs and finds them with no setting, wherever it is installed.
PACKAGED_CATALOGS = "ensemble_locales"
log = logging.getLogger(__name__)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention that extractors know
    """Marks a string for extraction; it is translated later, where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class Plural:
    """A message with a singular and a plural form, chosen by the `count` parameter."""

    singular: str
    plural: str


def Nn_(singular: str, plural: str) -> Plural:  # noqa: N802 - extracted like ngettext
    """Marks a plural message for extraction; the form is chosen where it is shown."""
    return Plural(singular, plural)


def packaged_catalogs() -> Traversable:
    return files(PACKAGED_CATALOGS)


def _po_files(locales: Traversable, language: str) -> list[Traversable]:
    folder = locales / language / "LC_MESSAGES"
    if not folder.is_dir():
        return []
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".po") and entry.is_file()),
        key=lambda entry: entry.name,
    )


def _domains(locales: Traversable, language: str) -> set[str]:
    return {entry.name.removesuffix(".po") for entry in _po_files(locales, language)}


def missing_catalogs(locales_dir: Path) -> list[str]:
    """The `<lang>/LC_MESSAGES/<domain>.po` files the bot ships that the folder lacks."""
    shipped = packaged_catalogs()
    return [
        f"{language}/LC_MESSAGES/{domain}.po"
        for language in SUPPORTED_LOCALES
        for domain in sorted(_domains(shipped, language) - _domains(locales_dir, language))
    ]


def load_catalogs(locales: Traversable, language: str) -> list[Catalog]:
    catalogs = []
    for po_file in _po_files(locales, language):
        with po_file.open("rb") as handle:
            catalogs.append(read_po(handle, locale=language))
    return catalogs


def _translations(catalogs: list[Catalog], language: str) -> Translations:
    merged = Catalog(locale=language)
    for catalog in catalogs:
        for message in catalog:
            if message.id and message.string:
                merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return Translations(buffer)


class Translator:
    """Translations for one language, with Babel formatting in the same locale."""

    def __init__(self, language: str, translations: Translations) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self._translations = translations

    def t(self, message: str | Plural, /, **params: Any) -> str:
        if isinstance(message, Plural):
            count = params.pop("count")
            return self.tn(message.singular, message.plural, count, **params)
        text = self._translations.gettext(message)
        return text.format(**params) if params else text

    def tn(self, singular: str, plural: str, count: int, /, **params: Any) -> str:
        text = self._translations.ngettext(singular, plural, count)
        return text.format(count=self.number(count), **params)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def datetime(self, value: datetime, fmt: str = "medium") -> str:
        return format_datetime(value, fmt, tzinfo=value.tzinfo, locale=self.locale)

    def duration(self, seconds: float) -> str:
        return format_timedelta(timedelta(seconds=seconds), threshold=1.1, locale=self.locale)


def _load_translator(locales: Traversable, language: str) -> Translator:
    return Translator(language, _translations(load_catalogs(locales, language), language))


class Catalogs:
    """All supported languages, loaded once at start (None: the catalogs shipped with the bot)."""

    def __init__(self, locales_dir: Traversable | None = None, default: str = "fr") -> None:
        locales = packaged_catalogs() if locales_dir is None else locales_dir
        self.default = default
        self._by_language: Mapping[str, Translator] = {
            language: _load_translator(locales, language) for language in SUPPORTED_LOCALES
        }

    def get(self, language: str | None) -> Translator:
        return self._by_language.get(language or self.default, self._by_language[self.default])

    @property
    def languages(self) -> tuple[str, ...]:
        return SUPPORTED_LOCALES
