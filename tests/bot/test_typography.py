"""One typographic style in every catalog entry, so messages read alike wherever they come from.

French: a narrow no-break space (U+202F) before : ; ! ? and inside « », a typographic apostrophe,
and "n°" followed by a no-break space (U+00A0). English: curly quotes and apostrophes, "#3".
"""

from __future__ import annotations

import re

import pytest

from bot.config import PROJECT_ROOT
from bot.i18n import SUPPORTED_LOCALES, load_catalogs

LOCALES = PROJECT_ROOT / "locales"

FRENCH_RULES = {
    "a narrow no-break space before : ; ! ?": re.compile(r"(?<!\u202f)[:;!?](?=\s|$|\*|_)"),
    "« followed by a narrow no-break space": re.compile(r"«(?!\u202f)"),
    "» preceded by a narrow no-break space": re.compile(r"(?<!\u202f)»"),
    "n° followed by a no-break space": re.compile(r"n°(?!\u00a0)"),
    "French quotes « », not straight or English ones": re.compile(r"[\"“”]"),
    "a typographic apostrophe ’": re.compile(r"'"),
    "numbers as n°, not #": re.compile(r"#\{(?!room)"),
}
ENGLISH_RULES = {
    "no space before : or ;": re.compile(r"[ \u00a0\u202f][:;]"),
    "curly quotes “ ”, not straight or French ones": re.compile(r"[\"«»]"),
    "a typographic apostrophe ’": re.compile(r"'"),
    "numbers as #3, not n°": re.compile(r"n°"),
}


def _texts(language: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for catalog in load_catalogs(LOCALES, language):
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            found.extend((str(msgid), str(text)) for text in strings)
    return found


@pytest.mark.parametrize("language", SUPPORTED_LOCALES)
def test_every_entry_follows_the_house_typography(language: str) -> None:
    rules = FRENCH_RULES if language == "fr" else ENGLISH_RULES
    offences = [
        f"{rule}: {text!r}"
        for msgid, text in _texts(language)
        for rule, pattern in rules.items()
        if pattern.search(text) and not msgid.startswith("http")
    ]
    assert offences == []


def test_the_rules_catch_a_plain_space_before_a_colon() -> None:
    assert FRENCH_RULES["a narrow no-break space before : ; ! ?"].search("Quand : demain")
    assert not FRENCH_RULES["a narrow no-break space before : ; ! ?"].search("Quand\u202f: 10:00")
