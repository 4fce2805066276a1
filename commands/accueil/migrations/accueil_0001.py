"""accueil: activation time, welcomed people, écogestes suggestions, opt-outs and savings

Revision ID: accueil_0001
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "accueil_0001"
down_revision = "0001_core"
branch_labels = ("accueil",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accueil_state",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "welcomed_users",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("welcomed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ecogestes_suggestions",
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
    )
    op.create_table(
        "ecogestes_optouts",
        sa.Column("scope", sa.String(16), primary_key=True),
        sa.Column("target_id", sa.String(64), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ecogestes_moved",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(64), nullable=False, unique=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("room_id", sa.String(64), nullable=False),
        sa.Column("files", sa.Integer, nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("copies_bytes", sa.BigInteger, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ecogestes_moved_month", "ecogestes_moved", ["month"])


def downgrade() -> None:
    for name in ("ecogestes_moved", "ecogestes_optouts", "ecogestes_suggestions",
                 "welcomed_users", "accueil_state"):
        op.drop_table(name)
