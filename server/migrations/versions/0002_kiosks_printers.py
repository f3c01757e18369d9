"""kiosks, printers, print jobs and idempotency keys

Revision ID: 0002_kiosks_printers
Revises: 0001
Create Date: 2026-11-23 12:09:32
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_kiosks_printers"
down_revision = "0001"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=16)


def upgrade() -> None:
    op.create_table(
        "printers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("connection", sa.String(length=16), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("paper_width_mm", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=40), nullable=False),
        sa.Column("qr_mode", sa.String(length=8), nullable=False),
        sa.Column("delivery", _enum("printdelivery", "server", "agent"), nullable=False),
        sa.Column("status", _enum("printerstatus", "online", "paper_near_end", "paper_out", "offline", "unknown"),
                  nullable=False),
        sa.Column("status_detail", sa.String(length=240), nullable=False),
        sa.Column("status_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("office_id", "name"),
    )
    op.create_index("ix_printers_office_id", "printers", ["office_id"])

    op.create_table(
        "kiosks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("printer_id", sa.Integer(), nullable=True),
        sa.Column("idle_reset_seconds", sa.Integer(), nullable=False),
        sa.Column("result_seconds", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["printer_id"], ["printers.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("office_id", "name"),
    )
    op.create_index("ix_kiosks_office_id", "kiosks", ["office_id"])

    op.create_table(
        "kiosk_services",
        sa.Column("kiosk_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("kiosk_id", "service_id"),
    )

    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("scope", "key"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])

    op.create_table(
        "print_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.Integer(), nullable=True),
        sa.Column("printer_id", sa.Integer(), nullable=False),
        sa.Column("state", _enum("printjobstate", "queued", "printing", "retrying", "printed", "failed"),
                  nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["kiosk_id"], ["kiosks.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["printer_id"], ["printers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_print_jobs_kiosk_id", "print_jobs", ["kiosk_id"])
    op.create_index("ix_print_jobs_pending", "print_jobs", ["printer_id", "state"])
    op.create_index("ix_print_jobs_ticket_id", "print_jobs", ["ticket_id"])


def downgrade() -> None:
    op.drop_table("print_jobs")
    op.drop_table("idempotency_keys")
    op.drop_table("kiosk_services")
    op.drop_table("kiosks")
    op.drop_table("printers")
