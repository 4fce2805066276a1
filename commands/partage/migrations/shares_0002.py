"""shares: each room's share folder, fixed at first use (renamed or reused room names)

Revision ID: shares_0002
Revises: shares_0001
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "shares_0002"
down_revision = "shares_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    room_folders = op.create_table(
        "room_folders",
        sa.Column("room_id", sa.String(64), primary_key=True),
        sa.Column("folder", sa.String(255), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Folders made before this revision were named after their room: the shares recorded then
    # say which room had which folder, so a room renamed since, or a new room that took a
    # deleted room's name, does not take over the old one's files at its first use.
    shares = sa.table(
        "shares", sa.column("room_id"), sa.column("room_name"), sa.column("path"),
        sa.column("created_at"),
    )
    query = sa.select(shares.c.room_id, shares.c.room_name, shares.c.path).order_by(
        shares.c.created_at
    )
    known: dict[str, str] = {}
    for room_id, room_name, path in op.get_bind().execute(query):
        segments = [segment for segment in str(path).split("/") if segment]
        if room_id in known or len(segments) < 2 or segments[1] != room_name:
            continue
        if segments[1] not in known.values():
            known[room_id] = segments[1]
    now = datetime.now(UTC)
    op.bulk_insert(
        room_folders,
        [{"room_id": room, "folder": folder, "created_at": now} for room, folder in known.items()],
    )


def downgrade() -> None:
    op.drop_table("room_folders")
