"""shares: each room's share folder, fixed at first use (renamed or reused room names)

Revision ID: shares_0002
Revises: shares_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "shares_0002"
down_revision = "shares_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "room_folders",
        sa.Column("room_id", sa.String(64), primary_key=True),
        sa.Column("folder", sa.String(255), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("room_folders")
