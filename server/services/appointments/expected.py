"""Bookings still to come, as the estimator sees them: each arrives at its slot and is called from then on."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from waitwell.estimates.snapshot import WaitingTicket
from waitwell.persistence import Appointment, AppointmentSettings, AppointmentState, Service

LOOK_AHEAD = timedelta(hours=4)  # further out, today's walk-ins (not modelled) matter more than the bookings


def expected_appointments(session: Session, office_id: int, now: datetime) -> list[WaitingTicket]:
    """Bookings not checked in whose check-in window is still open or opens within LOOK_AHEAD.

    Their ids are negative (minus the booking's id) so they never collide with a ticket's. Everyone is
    assumed to come; one still inside the window but not here yet is assumed to arrive now.
    """
    settings = session.get(AppointmentSettings, office_id)
    if settings is None or not settings.enabled:
        return []
    late = timedelta(minutes=settings.check_in_late_minutes)
    rows = session.execute(
        select(Appointment.id, Appointment.service_id, Appointment.starts_at, Service.priority_weight)
        .join(Service, Service.id == Appointment.service_id)
        .where(Appointment.office_id == office_id, Appointment.state == AppointmentState.BOOKED,
               Appointment.starts_at >= now - late, Appointment.starts_at <= now + LOOK_AHEAD)
    ).all()
    return [
        WaitingTicket(ticket_id=-row.id, service_id=row.service_id, waiting_since=max(row.starts_at, now),
                      priority_weight=row.priority_weight, is_appointment=True, appointment_at=row.starts_at)
        for row in rows
    ]
