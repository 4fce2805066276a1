"""boards: room↔board links, board snapshots, webhook events seen

Revision ID: boards_0001
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "boards_0001"
down_revision = "0001_core"
branch_labels = ("boards",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_links",
        sa.Column("room_id", sa.String(64), primary_key=True),
        sa.Column("board_id", sa.String(64), nullable=False),
        sa.Column("board_title", sa.String(255), nullable=False),
        sa.Column("linked_by", sa.String(64), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_board_links_board_id", "board_links", ["board_id"])
    op.create_table(
        "board_snapshots",
        sa.Column("board_id", sa.String(64), primary_key=True),
        sa.Column("lists", sa.Text, nullable=False),
        sa.Column("cards", sa.Text, nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "board_events_seen",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_board_events_seen_seen_at", "board_events_seen", ["seen_at"])


def downgrade() -> None:
    op.drop_table("board_events_seen")
    op.drop_table("board_snapshots")
    op.drop_table("board_links")
