"""What a feature slice offers and needs, declared once in its package as `feature`.

The core knows features only through this declaration: the composition root lists the enabled
ones and the Application installs them, so a slice is added or removed in one place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.routing import Router
from bot.runtime import Runtime
from bot.services import Key

Install = Callable[[Runtime], Awaitable[None]]


@dataclass(frozen=True)
class Feature:
    """A slice of the bot: its commands, its tables, its settings and what it plugs in.

    - `routers`: its commands; a feature left out of the list has none in /aide.
    - `migrations`: the folder of its Alembic revisions, one branch off the core's (each
      revision keeps `down_revision` pointing into the core or its own branch).
    - `settings`: the class of its settings section, read from ENSEMBLE_<SECTION>__<FIELD>;
      `settings_section` names the section (its name by default). The section a service's
      adapter also reads (e.g. `nextcloud`) is shared: its variables keep their names. The
      Application registers the section as a service under this class, for the handlers.
    - `needs`: the ports it uses; the composition root builds an adapter only for a port an
      enabled feature needs.
    - `install`: plugs in what needs the running parts (stores, jobs, web routes, hooks,
      readiness checks, services it provides) through the `Runtime` it is given.
    """

    name: str
    routers: Sequence[Router] = ()
    migrations: Path | None = None
    settings: type[BaseModel] | None = None
    settings_section: str | None = None
    install: Install | None = None
    needs: Sequence[Key[Any]] = ()

    @property
    def section(self) -> str:
        return self.settings_section or self.name
