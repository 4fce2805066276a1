"""The crisis cells' figures on the bot's /metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class CrisisMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.opened = Counter("ensemble_crisis_cells_opened", "Crisis cells opened",
                              registry=registry)
        self.closed = Counter("ensemble_crisis_cells_closed", "Crisis cells closed",
                              registry=registry)
        self.open_cells = Gauge("ensemble_crisis_cells_open", "Crisis cells open now",
                                registry=registry)
        self.time_to_open = Histogram(
            "ensemble_crisis_open_seconds",
            "Time from /crise ouvrir to a cell with every available resource",
            buckets=(0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600), registry=registry,
        )
        self.reminders = Counter("ensemble_crisis_reminders_sent",
                                 "Status-update reminders posted in crisis cells",
                                 registry=registry)
