"""lobby displays, live feed versions and ticket ratings

Revision ID: 0003_displays_feeds_ratings
Revises: 0002_kiosks_printers
Create Date: 2026-11-23 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_displays_feeds_ratings"
down_revision = "0002_kiosks_printers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "displays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("languages", sa.String(length=120), nullable=False),
        sa.Column("calls_shown", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("displays") as batch_op:
        batch_op.create_index(batch_op.f("ix_displays_office_id"), ["office_id"], unique=False)
    op.create_table(
        "display_services",
        sa.Column("display_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["display_id"], ["displays.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("display_id", "service_id"),
    )
    op.create_table(
        "display_counters",
        sa.Column("display_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["display_id"], ["displays.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("display_id", "counter_id"),
    )
    op.create_table(
        "feed_versions",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("office_id"),
    )
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_column("rated_at")
        batch_op.drop_column("rating")
    op.drop_table("feed_versions")
    op.drop_table("display_counters")
    op.drop_table("display_services")
    with op.batch_alter_table("displays") as batch_op:
        batch_op.drop_index(batch_op.f("ix_displays_office_id"))
    op.drop_table("displays")
