"""Activity sentences of W imports/i18n/data/{en,fr}.i18n.json used in webhook `text`."""

from __future__ import annotations

import re

SENTENCES: dict[str, dict[str, str]] = {
    "en": {
        "act-createCard": "created card __card__ to list __list__ at swimlane __swimlane__ "
                          "at board __board__",
        "act-moveCard": "moved card __card__ at board __board__ from list __oldList__ at "
                        "swimlane __oldSwimlane__ to list __list__ at swimlane __swimlane__",
        "act-addComment": "commented on card __card__: __comment__ at list __list__ at "
                          "swimlane __swimlane__ at board __board__",
        "act-archivedCard": "Card __card__ at list __list__ at swimlane __swimlane__ at board "
                            "__board__ moved to Archive",
        "act-restoredCard": "restored card __card__ to list __list__ at swimlane __swimlane__ "
                            "at board __board__",
        "act-a-dueAt": "modified due time to \nWhen: __timeValue__\nWhere: __card__\n "
                       "previous due was __timeOldValue__",
    },
    "fr": {
        "act-createCard": "a créé la carte __card__ de la liste __list__ du couloir "
                          "__swimlane__ du tableau __board__",
        "act-moveCard": "a déplacé la carte __card__ du tableau __board__ de la liste "
                        "__oldList__ du couloir __oldSwimlane__ vers la liste __list__ du "
                        "couloir __swimlane__",
        "act-addComment": "a commenté la carte __card__ : __comment__ dans la liste __list__ "
                          "du couloir __swimlane__ du tableau __board__",
        "act-archivedCard": "Carte __card__ de la liste __list__ du couloir __swimlane__ du "
                            "tableau __board__ archivée",
        "act-restoredCard": "a restauré la carte __card__ de la liste __list__ du couloir "
                            "__swimlane__ du tableau __board__",
        "act-a-dueAt": "Echéance modifiée à\nQuand: __timeValue__\nOù: __card__\n L'échéance "
                       "précédente était __timeOldValue__",
    },
}


def translate(key: str, params: dict[str, str], language: str) -> str:
    """TAPi18n.__: a key without a translation comes out verbatim ("act-joinAssignee")."""
    sentence = SENTENCES.get(language, SENTENCES["en"]).get(key) or SENTENCES["en"].get(key)
    if sentence is None:
        return key
    return re.sub(r"__(\w+)__", lambda m: params.get(m.group(1), ""), sentence)
