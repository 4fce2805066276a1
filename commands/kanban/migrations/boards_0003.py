"""boards: the card events told to rooms, for the digests' counts per board

Revision ID: boards_0003
Revises: boards_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "boards_0003"
down_revision = "boards_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_events_told",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("board_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_board_events_told_told_at", "board_events_told", ["told_at"])


def downgrade() -> None:
    op.drop_table("board_events_told")
