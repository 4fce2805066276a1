"""What a provisioning run did, found already done, and leaves to a person."""

from __future__ import annotations

from dataclasses import dataclass, field


class ProvisionError(Exception):
    """A server refused or could not be reached; the message names it and never a secret."""

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service


@dataclass
class Report:
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    by_hand: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # The ENSEMBLE_… values obtained, and which of them are secrets.
    values: dict[str, str] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)

    def did(self, service: str, what: str) -> None:
        self.changed.append(f"{service}: {what}")

    def found(self, service: str, what: str) -> None:
        self.unchanged.append(f"{service}: {what}")

    def ask(self, service: str, what: str) -> None:
        self.by_hand.append(f"{service}: {what}")

    def note(self, service: str, what: str) -> None:
        self.notes.append(f"{service}: {what}")

    def set(self, name: str, value: str, *, secret: bool = False) -> None:
        self.values[name] = value
        if secret:
            self.secrets.add(name)

    def lines(self, *, show_secrets: bool) -> list[str]:
        """The summary printed at the end; secrets masked unless asked for."""
        out = [f"changed  {line}" for line in self.changed]
        out += [f"ok       {line}" for line in self.unchanged]
        out += [f"info     {line}" for line in self.notes]
        out += [f"by hand  {line}" for line in self.by_hand]
        out += [f"error    {line}" for line in self.errors]
        if not self.changed and not self.errors:
            out.append("Nothing to change: every step was already done.")
        if show_secrets:
            out += [f"{name}={value}" for name, value in sorted(self.values.items())]
        return out
