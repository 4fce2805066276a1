"""Default role permissions, a subset of Rocket.Chat's table.

Source: apps/meteor/app/authorization/server/constant/permissions.ts (Rocket.Chat 7.x).
`owner` and `moderator` are room-scoped roles granted per room.
"""

from __future__ import annotations

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "bot": frozenset(
        {
            "api-bypass-rate-limit",
            "send-many-messages",
            "message-impersonate",
            "bypass-time-limit-edit-and-delete",
            "create-c",
            "create-d",
            "create-p",
            "view-c-room",
            "view-d-room",
            "view-joined-room",
            "join-without-join-code",
            "leave-c",
            "leave-p",
        }
    ),
    "user": frozenset(
        {
            "create-c",
            "create-d",
            "create-p",
            "delete-own-message",
            "call-management",
            "view-c-room",
            "view-d-room",
            "view-joined-room",
            "preview-c-room",
            "leave-c",
            "leave-p",
            "start-discussion",
            "create-personal-access-tokens",
        }
    ),
    "owner": frozenset(
        {
            "archive-room",
            "unarchive-room",
            "edit-room",
            "add-user-to-joined-room",
            "remove-user",
            "pin-message",
            "delete-message",
            "edit-message",
            "call-management",
            "set-owner",
            "set-moderator",
            "post-readonly",
        }
    ),
    "moderator": frozenset(
        {"edit-room", "add-user-to-joined-room", "remove-user", "pin-message", "delete-message",
         "edit-message", "call-management", "post-readonly"}
    ),
}

ADMIN_ROLE = "admin"


def role_grants(role: str, permission: str) -> bool:
    if role == ADMIN_ROLE:
        return True
    return permission in ROLE_PERMISSIONS.get(role, frozenset())
