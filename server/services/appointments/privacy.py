"""Privacy: a booking's name, email and phone are blanked a configurable number of days after the appointment.

What stays (service, slot, state, check-in time) carries nothing personal and keeps the statistics.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from waitwell.domain.errors import InvalidInput
from waitwell.persistence import Appointment, AppointmentMessage, AppointmentSettings
from waitwell.services.unit_of_work import UnitOfWork

DEFAULT_PURGE_AFTER_DAYS = 30  # offices without settings (appointments switched off since)


def purge_personal_data(uow: UnitOfWork, *, office_id: int | None = None, older_than_days: int | None = None) -> int:
    """Blank the personal data of bookings past their office's retention (or `older_than_days`); how many."""
    if older_than_days is not None and older_than_days < 0:
        raise InvalidInput("--older-than-days cannot be negative")
    with uow:
        now = uow.clock.now()
        retention = dict(uow.session.execute(
            select(AppointmentSettings.office_id, AppointmentSettings.purge_after_days)).all())
        offices = [office_id] if office_id is not None else list(uow.session.scalars(
            select(Appointment.office_id).where(Appointment.purged_at.is_(None)).distinct()).all())
        purged = 0
        for one in offices:
            days = older_than_days if older_than_days is not None else retention.get(one, DEFAULT_PURGE_AFTER_DAYS)
            purged += _purge_office(uow, one, now, now - timedelta(days=days))
        uow.commit()
        return purged


def _purge_office(uow: UnitOfWork, office_id: int, now: datetime, cutoff: datetime) -> int:
    due = uow.session.scalars(
        select(Appointment).where(Appointment.office_id == office_id, Appointment.purged_at.is_(None),
                                  Appointment.ends_at < cutoff)
    ).all()
    for appointment in due:
        appointment.name = None
        appointment.email = None
        appointment.phone = None
        appointment.purged_at = now
    if due:
        uow.session.execute(delete(AppointmentMessage).where(
            AppointmentMessage.appointment_id.in_([a.id for a in due])))
    return len(due)
