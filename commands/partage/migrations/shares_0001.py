"""shares: links and internal shares made by /partage

Revision ID: shares_0001
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "shares_0001"
down_revision = "0001_core"
branch_labels = ("shares",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("remote_id", sa.String(64), nullable=False),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("url", sa.String(1024), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(255), nullable=True),
        sa.Column("permissions", sa.Integer, nullable=False),
        sa.Column("protected", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("creator_id", sa.String(64), nullable=False),
        sa.Column("creator_username", sa.String(120), nullable=False),
        sa.Column("room_id", sa.String(64), nullable=False),
        sa.Column("room_name", sa.String(255), nullable=False),
        sa.Column("expires_on", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(120), nullable=True),
    )
    op.create_index("ix_shares_remote_id", "shares", ["remote_id"])
    op.create_index("ix_shares_creator_id", "shares", ["creator_id"])
    op.create_index("ix_shares_room_id", "shares", ["room_id"])
    op.create_index("ix_shares_created_at", "shares", ["created_at"])


def downgrade() -> None:
    op.drop_table("shares")
