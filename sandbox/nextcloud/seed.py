"""The shared identities of every sandbox (see the PREAMBLE), as Nextcloud accounts."""

from __future__ import annotations

from .directory import new_app_password
from .state import NextcloudState

BOT = "ensemble-bot"
AGENTS = {
    "marie": "Marie Curie",
    "jean": "Jean Moulin",
    "sophie": "Sophie Germain",
    "luc": "Luc Besson",
    "alice": "Alice Guy",
}
# One group per Rocket.Chat room name, with the room's human members.
ROOM_GROUPS = {
    "general": [BOT, "admin", *AGENTS],
    "equipe-projet": list(AGENTS),
    "sans-bot": ["admin", *AGENTS],
}
SAMPLE_FILES = {
    "marie": {"Documents/compte-rendu.md": b"# Compte rendu\n\nR\xc3\xa9union du lundi.\n",
              "Documents/budget.csv": b"poste;montant\nlogiciels;1200\n"},
    "jean": {"Photos/equipe.txt": b"photo d'equipe (placeholder)\n"},
    "sophie": {"Crise/procedure.md": b"# Proc\xc3\xa9dure de crise\n"},
    "luc": {"Notes/idees.txt": b"idees en vrac\n"},
    "alice": {"Projets/planning.txt": b"jalons du projet\n"},
}


def seed(state: NextcloudState) -> dict[str, str]:
    """Create accounts, groups and sample files; returns the bot's app password and others."""
    directory = state.directory
    bot = directory.add_user(BOT, "Ensemble Bot", email="ensemble-bot@example.org")
    bot_app_password = new_app_password()
    bot.app_passwords.append(bot_app_password)
    directory.add_user("admin", "Administrateur", "admin-sandbox-password",
                       email="admin@example.org", admin=True)
    for uid, name in AGENTS.items():
        directory.add_user(uid, name, f"{uid}-sandbox-password", email=f"{uid}@example.org")
    for gid, members in ROOM_GROUPS.items():
        for uid in members:
            directory.add_to_group(gid, uid)
    for uid in directory.accounts:
        state.tree.ensure_home(uid)
    state.tree.makedirs(BOT, "Partage")
    for uid, files in SAMPLE_FILES.items():
        for path, content in files.items():
            state.tree.makedirs(uid, path.rsplit("/", 1)[0])
            state.tree.write(uid, path, content)
    return {"bot_app_password": bot_app_password}
