"""Setting up appointments: an office's rules, each service's bookable schedule, closed days; and reading them back
as the domain's BookingRules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from waitwell.domain.appointment_calling import AppointmentsOnTime
from waitwell.domain.booking import BookingRules
from waitwell.domain.calling import DEFAULT_STRATEGY
from waitwell.domain.check_in import CheckInWindow
from waitwell.domain.errors import InvalidInput, NotFound, WaitwellError
from waitwell.domain.hours import parse_opening_hours
from waitwell.persistence import AppointmentSettings, BookingClosure, BookingSchedule, Office, Service
from waitwell.services.lookups import get_office, get_service
from waitwell.services.unit_of_work import UnitOfWork


class AppointmentsNotEnabled(WaitwellError):
    code = "appointments_not_enabled"
    http_status = 409


@dataclass(frozen=True)
class OfficePolicy:
    """An office's appointment settings as plain values."""

    office_id: int
    enabled: bool
    check_in: CheckInWindow
    reminder_before: timedelta
    purge_after: timedelta

    @classmethod
    def of(cls, settings: AppointmentSettings) -> OfficePolicy:
        return cls(
            office_id=settings.office_id,
            enabled=settings.enabled,
            check_in=CheckInWindow(early=timedelta(minutes=settings.check_in_early_minutes),
                                   late=timedelta(minutes=settings.check_in_late_minutes)),
            reminder_before=timedelta(minutes=settings.reminder_minutes_before),
            purge_after=timedelta(days=settings.purge_after_days),
        )


def configure_office(
    uow: UnitOfWork,
    *,
    office_id: int,
    enabled: bool = True,
    check_in_early_minutes: int = 15,
    check_in_late_minutes: int = 10,
    reminder_minutes_before: int = 24 * 60,
    purge_after_days: int = 30,
) -> OfficePolicy:
    """Turn appointments on (or off) for an office, with its check-in window, reminder time and purge delay.

    Turning them on moves an office on the default calling strategy to `appointments-on-time`.
    """
    if min(check_in_early_minutes, check_in_late_minutes, reminder_minutes_before) < 0:
        raise InvalidInput("the check-in window and the reminder time cannot be negative")
    if purge_after_days < 1:
        raise InvalidInput("personal data is kept at least one day after the appointment")
    with uow:
        office = get_office(uow.session, office_id)
        if enabled and office.calling_strategy == DEFAULT_STRATEGY:
            office.calling_strategy = AppointmentsOnTime.name  # bookings are called at their slot time
        settings = uow.session.get(AppointmentSettings, office_id) or AppointmentSettings(office_id=office_id)
        settings.enabled = enabled
        settings.check_in_early_minutes = check_in_early_minutes
        settings.check_in_late_minutes = check_in_late_minutes
        settings.reminder_minutes_before = reminder_minutes_before
        settings.purge_after_days = purge_after_days
        uow.session.add(settings)
        uow.session.flush()
        policy = OfficePolicy.of(settings)
        uow.commit()
        return policy


def set_schedule(
    uow: UnitOfWork,
    *,
    service_id: int,
    weekly_hours: dict[str, Any],
    slot_minutes: int = 15,
    capacity: int = 1,
    min_lead_minutes: int = 60,
    horizon_days: int = 30,
    active: bool = True,
) -> BookingRules:
    """Make a service bookable: when slots start each weekday, their length and how many people each takes."""
    hours = parse_opening_hours(weekly_hours, past_midnight=False)  # a slot starts and ends on its day
    with uow:
        service = get_service(uow.session, service_id)
        schedule = uow.session.get(BookingSchedule, service_id) or BookingSchedule(service_id=service_id)
        schedule.office_id = service.office_id
        schedule.weekly_hours = hours
        schedule.slot_minutes = slot_minutes
        schedule.capacity = capacity
        schedule.min_lead_minutes = min_lead_minutes
        schedule.horizon_days = horizon_days
        schedule.active = active
        rules = rules_of(uow.session, schedule, service.office)  # validates before anything is stored
        uow.session.add(schedule)
        uow.commit()
        return rules


def add_closure(uow: UnitOfWork, *, office_id: int, day: date, reason: str = "",
                service_id: int | None = None) -> None:
    """A day without bookings (a holiday), for the whole office or one service. Existing bookings stay."""
    with uow:
        get_office(uow.session, office_id)
        if service_id is not None and get_service(uow.session, service_id).office_id != office_id:
            raise InvalidInput(f"service {service_id} belongs to another office")
        uow.session.add(BookingClosure(office_id=office_id, service_id=service_id, day=day, reason=reason.strip()))
        uow.commit()


def office_policy(session: Session, office_id: int) -> OfficePolicy:
    """The office's settings; AppointmentsNotEnabled when it takes no bookings."""
    settings = session.get(AppointmentSettings, office_id)
    if settings is None or not settings.enabled:
        office = get_office(session, office_id)
        raise AppointmentsNotEnabled(f"appointments are not enabled for {office.public_name or office.name}")
    return OfficePolicy.of(settings)


def bookable_schedule(session: Session, service_id: int, *, lock: bool = False) -> tuple[Service, BookingSchedule]:
    """A service that takes bookings and its schedule; `lock` holds the schedule row so bookings queue on it."""
    service = get_service(session, service_id)
    office_policy(session, service.office_id)
    query = select(BookingSchedule).where(BookingSchedule.service_id == service_id)
    schedule = session.scalar(query.with_for_update() if lock else query)
    if schedule is None or not schedule.active or not service.active:
        raise NotFound(f"{service.name} cannot be booked online")
    return service, schedule


def rules_of(session: Session, schedule: BookingSchedule, office: Office) -> BookingRules:
    closed = session.scalars(
        select(BookingClosure.day).where(
            BookingClosure.office_id == office.id,
            or_(BookingClosure.service_id.is_(None), BookingClosure.service_id == schedule.service_id),
        )
    ).all()
    return BookingRules(
        timezone=office.timezone,
        weekly_hours=parse_opening_hours(schedule.weekly_hours),
        slot_minutes=schedule.slot_minutes,
        capacity=schedule.capacity,
        closed_days=frozenset(closed),
        min_lead=timedelta(minutes=schedule.min_lead_minutes),
        horizon_days=schedule.horizon_days,
    )
