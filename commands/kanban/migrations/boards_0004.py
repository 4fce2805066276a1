"""boards: who each card was assigned to when a digest last read its board

Revision ID: boards_0004
Revises: boards_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "boards_0004"
down_revision = "boards_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_assignment_boards",
        sa.Column("board_id", sa.String(64), primary_key=True),
        sa.Column("first_read_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "card_assignments_seen",
        sa.Column("board_id", sa.String(64), primary_key=True),
        sa.Column("card_id", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("card_assignments_seen")
    op.drop_table("card_assignment_boards")
