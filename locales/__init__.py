"""The fr/en message catalogs, installed as the package `ensemble_locales` (see pyproject.toml).

A regular package, not a namespace one, so that importlib.resources reads it as one plain
folder in every install (wheel, editable, zip); bot.i18n loads the .po files from it.
"""
