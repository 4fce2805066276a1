"""meetings: video meetings with their stored room name and reminder state

Revision ID: meetings_0001
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "meetings_0001"
down_revision = "0001_core"
branch_labels = ("meetings",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("room_name", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("organizer_id", sa.String(64), nullable=False),
        sa.Column("organizer_username", sa.String(120), nullable=False),
        sa.Column("chat_room_id", sa.String(64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scheduled", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("external", sa.Boolean, nullable=False),
        sa.Column("call_id", sa.String(64), nullable=True),
        sa.Column("reminder_sent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_meetings_chat_room_id", "meetings", ["chat_room_id"])
    op.create_index("ix_meetings_starts_at", "meetings", ["starts_at"])
    op.create_index("ix_meetings_status", "meetings", ["status"])
    op.create_index("ix_meetings_call_id", "meetings", ["call_id"])


def downgrade() -> None:
    op.drop_table("meetings")
