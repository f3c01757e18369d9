"""appointments: booking settings and schedules, closed days, blocked slots, bookings, their emails;
tickets.appointment_at

Revision ID: 0006_appointments
Revises: 0005_staff_console_audit
Create Date: 2026-11-23 12:32:13
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_appointments"
down_revision = "0005_staff_console_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('appointment_settings',
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('check_in_early_minutes', sa.Integer(), nullable=False),
    sa.Column('check_in_late_minutes', sa.Integer(), nullable=False),
    sa.Column('reminder_minutes_before', sa.Integer(), nullable=False),
    sa.Column('purge_after_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('office_id')
    )
    op.create_table('blocked_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['blocked_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('service_id', 'starts_at', name='uq_blocked_slot')
    )
    with op.batch_alter_table('blocked_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blocked_slots_office_id'), ['office_id'], unique=False)

    op.create_table('booking_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('booking_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_closures_office_id'), ['office_id'], unique=False)

    op.create_table('booking_schedules',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('weekly_hours', sa.JSON(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('min_lead_minutes', sa.Integer(), nullable=False),
    sa.Column('horizon_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id')
    )
    with op.batch_alter_table('booking_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_schedules_office_id'), ['office_id'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('booked', 'checked_in', 'cancelled', 'no_show', name='appointmentstate',
                               native_enum=False, length=16), nullable=False),
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('manage_token', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.String(length=16), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=False),
    sa.Column('no_show_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminder_sent_for', sa.DateTime(timezone=True), nullable=True),
    sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('manage_token')
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_office_time', ['office_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_purged_at'), ['purged_at'], unique=False)
        batch_op.create_index('ix_appointments_slot', ['service_id', 'starts_at', 'state'], unique=False)

    op.create_table('appointment_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('appointment_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointment_messages_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index('ix_appointment_messages_pending', ['sent_at', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_column('appointment_at')

    with op.batch_alter_table('appointment_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_appointment_messages_pending')
        batch_op.drop_index(batch_op.f('ix_appointment_messages_appointment_id'))

    op.drop_table('appointment_messages')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_slot')
        batch_op.drop_index(batch_op.f('ix_appointments_purged_at'))
        batch_op.drop_index('ix_appointments_office_time')

    op.drop_table('appointments')
    with op.batch_alter_table('booking_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_schedules_office_id'))

    op.drop_table('booking_schedules')
    with op.batch_alter_table('booking_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_closures_office_id'))

    op.drop_table('booking_closures')
    with op.batch_alter_table('blocked_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blocked_slots_office_id'))

    op.drop_table('blocked_slots')
    op.drop_table('appointment_settings')
