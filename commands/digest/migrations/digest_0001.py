"""digest: subscriptions (people and rooms) and the periods already delivered

Revision ID: digest_0001
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "digest_0001"
down_revision = "0001_core"
branch_labels = ("digest",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("target", sa.String(80), nullable=False, unique=True),
        sa.Column("user_id", sa.String(64), nullable=True),
        sa.Column("username", sa.String(120), nullable=True),
        sa.Column("room_id", sa.String(64), nullable=True),
        sa.Column("room_name", sa.String(255), nullable=True),
        sa.Column("roles", sa.String(500), nullable=False, server_default=""),
        sa.Column("schedule", sa.String(64), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("sections_off", sa.String(255), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("automatic", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("occurrence", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("covered_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_digest_subscriptions_due_at", "digest_subscriptions", ["due_at"])
    op.create_table(
        "digest_deliveries",
        sa.Column("subscription_id", sa.Integer, primary_key=True),
        sa.Column("period", sa.String(32), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_digest_deliveries_status", "digest_deliveries", ["status"])


def downgrade() -> None:
    op.drop_table("digest_deliveries")
    op.drop_table("digest_subscriptions")
