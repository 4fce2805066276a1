"""probe: the notes of the test feature

Revision ID: probe_0001
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "probe_0001"
down_revision = "0001_core"
branch_labels = ("probe",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "probe_notes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("probe_notes")
