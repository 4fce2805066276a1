"""boards: an inbox of accepted webhook events, so a standby or a crash loses none

Revision ID: boards_0002
Revises: boards_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "boards_0002"
down_revision = "boards_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_inbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("board_inbox")
