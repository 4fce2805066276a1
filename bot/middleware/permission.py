"""Lets a command run only for the roles its declaration allows, and names them otherwise."""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import PermissionDenied
from bot.i18n import N_
from bot.invocation import Invocation, Next
from bot.routing import Permission


class PermissionCheck:
    def __init__(self, crisis_roles: Sequence[str], admin_roles: Sequence[str]) -> None:
        self._allowed = {
            Permission.CRISIS: frozenset(crisis_roles) | frozenset(admin_roles),
            Permission.ADMIN: frozenset(admin_roles),
        }

    async def __call__(self, invocation: Invocation, call_next: Next) -> None:
        command = invocation.command
        if command is not None and command.permission is not Permission.MEMBER:
            allowed = self._allowed[command.permission]
            if not allowed & invocation.user.roles:
                raise PermissionDenied(
                    N_("/{command} is reserved for these roles: {roles}."),
                    command=command.path,
                    roles=", ".join(sorted(allowed)),
                )
        await call_next(invocation)
