"""indexes for long lines and old databases: every hot read bounded by an index

Revision ID: 0007_indexes_for_long_lines
Revises: 0006_appointments
Create Date: 2026-12-07 19:30:00

A call reads the front of each line, its counter's current ticket and recent calls; a status page counts
the tickets ahead in each competing line; the board reads the latest calls of the day. Without these a
database holding months of tickets answered some of them by scanning every ticket ever issued.
"""

from __future__ import annotations

from alembic import op

revision = "0007_indexes_for_long_lines"
down_revision = "0006_appointments"
branch_labels = None
depends_on = None

TICKET_INDEXES = {
    # the front of a line, and the tickets ahead of one in it (ordered by wait)
    "ix_tickets_line": ["office_id", "state", "service_id", "waiting_since", "id"],
    # checked-in appointments of a line by slot time
    "ix_tickets_line_appointments": ["office_id", "state", "service_id", "appointment_at"],
    # the day's latest calls of an office, and of one line
    "ix_tickets_called": ["office_id", "service_day", "called_at"],
    "ix_tickets_line_called": ["office_id", "service_id", "service_day", "called_at"],
    # a counter's current ticket
    "ix_tickets_counter_state": ["counter_id", "state"],
    # the weeks of finished tickets the estimator learns service times and no-shows from
    "ix_tickets_office_finished": ["office_id", "finished_at"],
}


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_waiting")  # a prefix of ix_tickets_line
        for name, columns in TICKET_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        # a counter's recent calls (a calling strategy limits runs of appointments)
        batch_op.create_index("ix_ticket_events_counter_kind_time", ["counter_id", "kind", "occurred_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_events_counter_kind_time")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name in reversed(TICKET_INDEXES):
            batch_op.drop_index(name)
        batch_op.create_index("ix_tickets_waiting", ["office_id", "state", "service_id"], unique=False)
