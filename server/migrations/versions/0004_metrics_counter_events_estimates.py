"""metrics: counter state history, estimates given at issue, index for the last-10 figure

Revision ID: 0004_metrics_counter_events
Revises: 0003_displays_feeds_ratings
Create Date: 2026-11-23 14:00:00

Counters that are open or paused when this runs get an "entered this state now" row, so their
open time is counted from the upgrade on rather than never.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# At most 32 characters: PostgreSQL stores it in alembic_version.version_num, a VARCHAR(32).
revision = "0004_metrics_counter_events"
down_revision = "0003_displays_feeds_ratings"
branch_labels = None
depends_on = None

COUNTER_STATE = sa.Enum("open", "paused", "closed", name="counterstate", native_enum=False, length=16)


def upgrade() -> None:
    op.create_table(
        "counter_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("state", COUNTER_STATE, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("counter_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counter_events_counter_id"), ["counter_id"], unique=False)
        batch_op.create_index("ix_counter_events_office_time", ["office_id", "occurred_at"], unique=False)

    op.create_table(
        "issue_estimates",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_minutes", sa.Float(), nullable=False),
        sa.Column("low_minutes", sa.Float(), nullable=False),
        sa.Column("high_minutes", sa.Float(), nullable=False),
        sa.Column("predictor", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["service_id"], ["services.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ticket_id"),
    )
    with op.batch_alter_table("issue_estimates", schema=None) as batch_op:
        batch_op.create_index("ix_issue_estimates_office_time", ["office_id", "given_at"], unique=False)

    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_events_service_kind_time", ["service_id", "kind", "occurred_at"], unique=False)

    _record_current_counter_states()


def _record_current_counter_states() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC on SQLite, like every other timestamp
    counters = sa.table("counters", sa.column("id"), sa.column("office_id"), sa.column("state"))
    events = sa.table(
        "counter_events", sa.column("counter_id"), sa.column("office_id"), sa.column("state"),
        sa.column("occurred_at", sa.DateTime(timezone=True)),
    )
    staffed = bind.execute(
        sa.select(counters.c.id, counters.c.office_id, counters.c.state).where(counters.c.state != "closed")
    ).all()
    if staffed:
        op.bulk_insert(events, [
            {"counter_id": row.id, "office_id": row.office_id, "state": row.state, "occurred_at": now}
            for row in staffed
        ])  # type: ignore[arg-type]


def downgrade() -> None:
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_events_service_kind_time")
    with op.batch_alter_table("issue_estimates", schema=None) as batch_op:
        batch_op.drop_index("ix_issue_estimates_office_time")
    op.drop_table("issue_estimates")
    with op.batch_alter_table("counter_events", schema=None) as batch_op:
        batch_op.drop_index("ix_counter_events_office_time")
        batch_op.drop_index(batch_op.f("ix_counter_events_counter_id"))
    op.drop_table("counter_events")
