"""crisis: cells, their members and their main courante

Revision ID: crisis_0001
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "crisis_0001"
down_revision = "0001_core"
branch_labels = ("crisis",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crisis_cells",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("severity", sa.Integer, nullable=False),
        sa.Column("room_name", sa.String(100), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_by", sa.String(120), nullable=False),
        sa.Column("origin_room_id", sa.String(64), nullable=False),
        sa.Column("origin_message_id", sa.String(64), nullable=True, unique=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_reminder_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_minutes", sa.Integer, nullable=True),
        sa.Column("room_id", sa.String(64), nullable=True),
        sa.Column("board_id", sa.String(64), nullable=True),
        sa.Column("resources", sa.Text, nullable=False),
        sa.Column("bilan", sa.Text, nullable=False),
    )
    op.create_index("ix_crisis_cells_status", "crisis_cells", ["status"])
    op.create_index("ix_crisis_cells_room_id", "crisis_cells", ["room_id"])
    op.create_index("ix_crisis_cells_board_id", "crisis_cells", ["board_id"])
    op.create_table(
        "crisis_members",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cell_id", sa.Integer,
                  sa.ForeignKey("crisis_cells.id", ondelete="CASCADE"), nullable=False),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("share_id", sa.String(64), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("cell_id", "username"),
    )
    op.create_index("ix_crisis_members_cell_id", "crisis_members", ["cell_id"])
    op.create_table(
        "crisis_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cell_id", sa.Integer,
                  sa.ForeignKey("crisis_cells.id", ondelete="CASCADE"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("ref", sa.String(200), nullable=False),
        sa.UniqueConstraint("cell_id", "ref"),
    )
    op.create_index("ix_crisis_entries_cell_id", "crisis_entries", ["cell_id"])


def downgrade() -> None:
    op.drop_table("crisis_entries")
    op.drop_table("crisis_members")
    op.drop_table("crisis_cells")
