"""Server messages in the account's language, as Nextcloud's IL10N gives them.

A real Nextcloud translates what it passes through `$this->l->t()` / `$this->l->n()` into the
language of the logged-in account (its `core.lang` preference), and leaves English whatever it
throws without them: in 30.0.1 Share20\\Manager raises "Cannot share with yourself", "Passwords
are enforced for link and mail shares", "Expiration date is enforced", "Sharing is disabled"
and "Public upload is not allowed" untranslated, so they reach a French account in English.
The catalogs below hold only the messages that go through IL10N at the places the sandbox
plays, with the French of the Nextcloud 30.0.1 release (server tarball 30.0.1,
apps/files_sharing/l10n/fr.json, lib/l10n/fr.json, apps/password_policy/l10n/fr.json,
core/l10n/fr.json, apps/text/l10n/fr.json).
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("fr", "en")

# nextcloud/server 30.0.1 apps/files_sharing/lib/Controller/ShareAPIController.php:
# every OCSException message below is built with $this->l->t(...).
FILES_SHARING_FR = {
    "Wrong share ID, share does not exist": "ID de partage erroné, ce partage n'existe pas",
    "Could not delete share": "Impossible de supprimer le partage",
    "Please specify a file or folder path": "Veuillez indiquer un fichier ou un chemin",
    "Wrong path, file/folder does not exist": "Chemin incorrect, le fichier/dossier n'existe pas",
    "Invalid permissions": "Autorisations non valides",
    "Invalid date, date format must be YYYY-MM-DD":
        "Date non valide, le format doit être DD/MM/YYYY",
    "Please specify a valid account to share with":
        "Merci de spécifier un compte valide pour le partage",
    "Group sharing is disabled by the administrator":
        "Le partage de groupe a été désactivé par l’administrateur",
    "Please specify a valid group": "Veuillez entrer un groupe valide",
    "Public link sharing is disabled by the administrator":
        "Le partage de lien public a été désactivé par l’administrateur",
    "Public upload disabled by the administrator":
        "Envois publics désactivés par l'administrateur",
    "Public upload is only possible for publicly shared folders":
        "Les envois publics sont possibles uniquement pour les dossiers partagés publiquement",
    "Sharing %s sending the password by Nextcloud Talk failed because Nextcloud Talk is not "
    "enabled": "Partager %s en envoyant le mot de passe par Nextcloud Talk a échoué car "
               "Nextcloud Talk n'est pas activé.",
    "Unknown share type": "Type de partage inconnu",
    "Not a directory": "N'est pas un dossier",
    "Wrong or no update parameter given": "Mauvais ou aucun paramètre donné ",
}
# lib/private/Share20/Manager.php (GenericShareException hints built with $this->l).
LIB_FR = {
    "Expiration date is in the past": "La date d’expiration est dans le passé",
    "Cannot increase permissions of %s": "Impossible d'augmenter les permissions de %s",
    "Empty file": "Fichier vide",
}
# lib/l10n/fr.json: "_Cannot set expiration date more than %n day in the future_::_…days…_";
# French plural forms: nplurals=3; plural=(n == 0 || n == 1) ? 0 : n % 1000000 == 0 ? 1 : 2.
PLURALS_FR = {
    "Cannot set expiration date more than %n day in the future": (
        "Impossible de définir la date d'expiration à dans plus de %n jour",
        "Impossible de définir la date d'expiration à dans plus de %n jours",
        "Impossible de définir la date d'expiration à dans plus de %n jours",
    ),
}
# apps/password_policy (lib/PasswordValidator.php and its validators, $this->l->t).
PASSWORD_POLICY_FR = {
    "Password is among the 1,000,000 most common ones. Please make it unique.":
        "Le mot de passe se trouve parmi les 1 000 000 de mots de passe les plus courants. "
        "Merci de le rendre unique.",
    "Password needs to be at least %s characters long.":
        "Le mot de passe doit comporter au moins %s caractères.",
    "Password needs to contain at least one numeric character.":
        "Le mot de passe doit contenir au moins un chiffre.",
    "Password needs to contain at least one special character.":
        "Le mot de passe doit contenir au moins un caractère spécial.",
    "Password needs to contain at least one lower and one upper case character.":
        "Le mot de passe doit contenir au moins un caractère en minuscule et un caractère en "
        "majuscule.",
}
# core/templates/publicshareauth.php and apps/text (RegisterTemplateCreatorListener.php).
PAGES_FR = {
    "This share is password-protected": "Ce partage est protégé par mot de passe",
    "The password is wrong or expired. Please try again or request a new one.":
        "Le mot de passe est incorrect ou expiré. Ré-essayez ou demandez-en un nouveau.",
    "Password": "Mot de passe",
    "Download": "Télécharger",
    "New text file": "Nouveau fichier texte",
    "Create new text file": "Créer un nouveau fichier texte",
}
CATALOGS: dict[str, dict[str, str]] = {
    "fr": {**FILES_SHARING_FR, **LIB_FR, **PASSWORD_POLICY_FR, **PAGES_FR},
}


def _plural_form_fr(count: int) -> int:
    if count in (0, 1):
        return 0
    return 1 if count % 1_000_000 == 0 else 2


@dataclass(frozen=True, slots=True)
class Text:
    """One IL10N call: `t(msgid, args)` or, with `plural`, `n(msgid, plural, count)`."""

    msgid: str
    args: tuple[object, ...] = ()
    plural: str | None = None
    count: int = 0

    def render(self, language: str) -> str:
        if self.plural is not None:
            forms = PLURALS_FR.get(self.msgid) if language == "fr" else None
            if forms is None:
                text = self.msgid if self.count == 1 else self.plural
            else:
                text = forms[_plural_form_fr(self.count)]
            return text.replace("%n", str(self.count))
        text = CATALOGS.get(language, {}).get(self.msgid, self.msgid)
        for arg in self.args:  # PHP vsprintf with %s only
            text = text.replace("%s", str(arg), 1)
        return text

    def __str__(self) -> str:
        return self.render("en")


@dataclass(frozen=True, slots=True)
class Joined:
    """Several messages joined, as password_policy joins its failed checks with a space."""

    parts: tuple[Text, ...]
    separator: str = " "

    def render(self, language: str) -> str:
        return self.separator.join(part.render(language) for part in self.parts)

    def __str__(self) -> str:
        return self.render("en")


Message = str | Text | Joined


def localise(message: Message, language: str) -> str:
    """The message as an account speaking `language` reads it. A plain string is IL10N's
    msgid when it is in the catalog (translated at its raise site), else untranslated."""
    if isinstance(message, str):
        return CATALOGS.get(language, {}).get(message, message)
    return message.render(language)


def request_language(accept_language: str | None, default: str = "en") -> str:
    """The language of a public page: the browser's first supported one (IFactory::findLanguage
    reads Accept-Language when nobody is logged in), else the instance default."""
    for item in (accept_language or "").split(","):
        code = item.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default
