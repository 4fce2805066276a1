"""core: processed messages are leased until done, so a crash loses no command

Revision ID: 0002_core
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_core"
down_revision = "0001_core"
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.add_column("processed_messages", sa.Column("claimed_at", sa.DateTime(timezone=True)))
    op.add_column(
        "processed_messages",
        # Defaults for writers that do not know these columns (a replica still on 0001_core
        # during a rolling upgrade): what they insert they handle at once, so it counts as done.
        sa.Column("done", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    # Ids seen before this revision were claimed once for good: they stay handled.
    processed = sa.table(
        "processed_messages",
        sa.column("processed_at", sa.DateTime(timezone=True)),
        sa.column("claimed_at", sa.DateTime(timezone=True)),
        sa.column("done", sa.Boolean),
    )
    op.execute(processed.update().values(claimed_at=processed.c.processed_at, done=True))
    with op.batch_alter_table("processed_messages") as batch:
        batch.alter_column(
            "claimed_at",
            existing_type=sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.current_timestamp(),
        )


def downgrade() -> None:
    with op.batch_alter_table("processed_messages") as batch:
        batch.drop_column("done")
        batch.drop_column("claimed_at")
