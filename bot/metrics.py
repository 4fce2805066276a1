"""Prometheus metrics of one bot process (its own registry, so tests stay independent)."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.invocation import Invocation, Next


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "ensemble_commands", "Commands handled", ["command", "outcome"], registry=self.registry
        )
        self.latency = Histogram(
            "ensemble_command_seconds",
            "Time from a command's arrival to the end of its handler",
            ["command"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.external_errors = Counter(
            "ensemble_external_errors",
            "Failed calls to outside services",
            ["service"],
            registry=self.registry,
        )
        self.reconnects = Counter(
            "ensemble_reconnects",
            "Sessions re-established with the chat server (not attempts)",
            registry=self.registry,
        )
        self.queue_depth = Gauge(
            "ensemble_outbound_queue_depth", "Messages waiting to be sent", registry=self.registry
        )
        self.leader = Gauge(
            "ensemble_leader", "1 on the replica that consumes events", registry=self.registry
        )
        self.webhook_backlog = Gauge(
            "ensemble_webhook_backlog",
            "Webhook events received and not yet handled (as the leader last counted them)",
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "ensemble_commands_in_flight", "Commands being handled", registry=self.registry
        )
        self.waiting = Gauge(
            "ensemble_events_waiting",
            "Events received from the chat and waiting for a free slot",
            registry=self.registry,
        )
        self.stream_backlog = Gauge(
            "ensemble_stream_backlog",
            "Messages read from the chat's stream and not yet taken in",
            registry=self.registry,
        )
        self.stream_overflows = Counter(
            "ensemble_stream_overflows",
            "Times the stream backlog was full, so later messages were read from history",
            registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        started = time.perf_counter()
        self._metrics.in_flight.inc()
        try:
            await call_next(invocation)
        finally:
            self._metrics.in_flight.dec()
            if invocation.failed_service is not None:
                self._metrics.external_errors.labels(invocation.failed_service.lower()).inc()
            if invocation.outcome != "duplicate":
                name = invocation.command_path
                self._metrics.commands.labels(name, invocation.outcome).inc()
                self._metrics.latency.labels(name).observe(time.perf_counter() - started)
