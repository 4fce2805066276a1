"""The commands every deployment has: /aide and /langue.

The core's own services (preferences, audit log, dedupe and its pruning) are the
Application's, installed whatever the list of features says.
"""

from __future__ import annotations

from bot.feature import Feature
from commands import aide, langue

feature = Feature(name="core", routers=[aide.router, langue.router])
