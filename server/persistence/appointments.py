"""Appointments as tables: each office's booking settings, each service's bookable schedule, closed days,
blocked slots, the bookings themselves and the emails sent about them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from waitwell.persistence.base import Base, string_enum
from waitwell.persistence.models import Office, Service, Ticket


class AppointmentState(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


# A booking in one of these states holds its place in the slot.
HOLDING_STATES = (AppointmentState.BOOKED, AppointmentState.CHECKED_IN, AppointmentState.NO_SHOW)


class AppointmentSettings(Base):
    """An office's appointment rules; no row (or `enabled` off) means the office takes no bookings."""

    __tablename__ = "appointment_settings"

    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    check_in_early_minutes: Mapped[int] = mapped_column(default=15)
    check_in_late_minutes: Mapped[int] = mapped_column(default=10)
    reminder_minutes_before: Mapped[int] = mapped_column(default=24 * 60)
    purge_after_days: Mapped[int] = mapped_column(default=30)

    office: Mapped[Office] = relationship()


class BookingSchedule(Base):
    """When a service can be booked: weekly hours (like opening hours), slot length and capacity."""

    __tablename__ = "booking_schedules"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    weekly_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    slot_minutes: Mapped[int] = mapped_column(default=15)
    capacity: Mapped[int] = mapped_column(default=1)
    min_lead_minutes: Mapped[int] = mapped_column(default=60)
    horizon_days: Mapped[int] = mapped_column(default=30)
    active: Mapped[bool] = mapped_column(default=True)

    service: Mapped[Service] = relationship()


class BookingClosure(Base):
    """A day without bookings (a holiday): for the whole office, or for one service when `service_id` is set."""

    __tablename__ = "booking_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(120), default="")


class BlockedSlot(Base):
    """A slot the office took out of booking (staff away, a system outage); bookings in it were cancelled."""

    __tablename__ = "blocked_slots"
    __table_args__ = (UniqueConstraint("service_id", "starts_at", name="uq_blocked_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")
    blocked_at: Mapped[datetime]
    blocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Appointment(Base):
    """One booking. The name, email and phone are for staff only and are blanked when purged."""

    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_slot", "service_id", "starts_at", "state"),
                      Index("ix_appointments_office_time", "office_id", "starts_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="RESTRICT"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    state: Mapped[AppointmentState] = mapped_column(string_enum(AppointmentState), default=AppointmentState.BOOKED)
    code: Mapped[str] = mapped_column(String(9), unique=True)  # typed or scanned at the kiosk
    manage_token: Mapped[str] = mapped_column(String(64), unique=True)  # the secret of the reschedule/cancel link
    name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8), default="en")
    origin: Mapped[str] = mapped_column(String(16), default="web")  # "web", or "staff" on behalf of a caller
    booked_at: Mapped[datetime]
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checked_in_at: Mapped[datetime | None]
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(String(16))  # "citizen" or "office"
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    no_show_at: Mapped[datetime | None]
    reminder_sent_for: Mapped[datetime | None]  # the slot the reminder was about (a reschedule reminds again)
    purged_at: Mapped[datetime | None] = mapped_column(index=True)

    office: Mapped[Office] = relationship()
    service: Mapped[Service] = relationship()
    ticket: Mapped[Ticket | None] = relationship()


class AppointmentMessage(Base):
    """An email to send about a booking (an outbox): stored with the change, sent and retried afterwards."""

    __tablename__ = "appointment_messages"
    __table_args__ = (Index("ix_appointment_messages_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # confirmation, rescheduled, reminder, cancelled, office_cancelled
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # gave up after the last attempt
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")

    appointment: Mapped[Appointment] = relationship()
