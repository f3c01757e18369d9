"""staff console, office rules, administration, audit log and end of day

Revision ID: 0005_staff_console_audit
Revises: 0004_metrics_counter_events
Create Date: 2026-11-23 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_staff_console_audit"
down_revision = "0004_metrics_counter_events"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("offices") as batch_op:
        batch_op.add_column(sa.Column("public_name", sa.String(length=120), server_default="", nullable=False))
        batch_op.add_column(sa.Column("min_seconds_between_recalls", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("max_recalls", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("auto_no_show_after_recalls", sa.Integer(), nullable=True))
    with op.batch_alter_table("services") as batch_op:
        batch_op.add_column(sa.Column("names", sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.add_column(sa.Column("colour", sa.String(length=7), server_default="#1f5fa8", nullable=False))
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("counters") as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target", sa.String(length=160), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entries") as batch_op:
        batch_op.create_index("ix_audit_entries_office_time", ["office_id", "occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_action"), ["action"], unique=False)

    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retry_after", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )

    op.create_table(
        "counter_sessions",
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("counter_id"),
    )
    with op.batch_alter_table("counter_sessions") as batch_op:
        batch_op.create_index(batch_op.f("ix_counter_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )

    op.create_table(
        "end_of_day_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("cancelled_tickets", sa.Integer(), nullable=False),
        sa.Column("closed_counters", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("office_id", "service_day", name="uq_end_of_day_per_office_day"),
    )


def downgrade() -> None:
    op.drop_table("end_of_day_runs")
    op.drop_table("job_leases")
    with op.batch_alter_table("counter_sessions") as batch_op:
        batch_op.drop_index(batch_op.f("ix_counter_sessions_user_id"))
    op.drop_table("counter_sessions")
    op.drop_table("sign_in_failures")
    with op.batch_alter_table("audit_entries") as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_action"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_occurred_at"))
        batch_op.drop_index("ix_audit_entries_office_time")
    op.drop_table("audit_entries")
    with op.batch_alter_table("counters") as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("services") as batch_op:
        batch_op.drop_column("archived_at")
        batch_op.drop_column("colour")
        batch_op.drop_column("names")
    with op.batch_alter_table("offices") as batch_op:
        batch_op.drop_column("auto_no_show_after_recalls")
        batch_op.drop_column("max_recalls")
        batch_op.drop_column("min_seconds_between_recalls")
        batch_op.drop_column("public_name")
