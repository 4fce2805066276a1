"""core: how far this store has handled the chat, so that catch-up replays only its own gap

Revision ID: 0003_core
Revises: 0002_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_core"
down_revision = "0002_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table only: a replica still on 0002_core neither reads nor needs it.
    op.create_table(
        "chat_marks",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_until", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("chat_marks")
