"""What staff do with bookings: the day's and upcoming bookings per service, booking for a caller (see booking.book
with origin "staff"), blocking a slot (the office cancels the bookings in it, each is told), the no-show rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from waitwell.domain.booking import slots_on
from waitwell.domain.errors import InvalidInput, NotFound
from waitwell.persistence import Appointment, AppointmentState, BlockedSlot
from waitwell.persistence.appointments import HOLDING_STATES
from waitwell.services.appointments.messages import queue_message
from waitwell.services.appointments.setup import bookable_schedule, rules_of
from waitwell.services.appointments.views import AppointmentView, SlotView
from waitwell.services.lookups import get_office, get_service
from waitwell.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class StaffSlot:
    slot: SlotView
    appointments: tuple[AppointmentView, ...]
    bookable: bool  # not yet inside the lead time: a caller can still be booked into it


@dataclass(frozen=True)
class OfficeInfo:
    id: int
    name: str
    timezone: str


def office_info(uow: UnitOfWork, office_id: int) -> OfficeInfo:
    with uow:
        office = get_office(uow.session, office_id)
        return OfficeInfo(office.id, office.name, office.timezone)


@dataclass(frozen=True)
class NoShowRate:
    """Of the bookings whose time has passed (not cancelled): how many nobody checked in for."""

    office_id: int
    start: date
    end: date
    due: int
    no_shows: int

    @property
    def rate(self) -> float | None:
        return self.no_shows / self.due if self.due else None


def day_sheet(uow: UnitOfWork, *, service_id: int, day: date) -> list[StaffSlot]:
    """Every slot of a service's local day with its bookings (cancelled ones too), for the staff's list."""
    with uow:
        service, schedule = bookable_schedule(uow.session, service_id)
        rules = rules_of(uow.session, schedule, service.office)
        slots = slots_on(rules, day)
        if not slots:
            return []
        now = uow.clock.now()
        bookings = uow.session.scalars(
            select(Appointment)
            .where(Appointment.service_id == service_id,
                   Appointment.starts_at.between(slots[0].starts_at, slots[-1].starts_at))
            .order_by(Appointment.starts_at, Appointment.id)
            .options(selectinload(Appointment.ticket))
        ).all()
        blocked = set(uow.session.scalars(select(BlockedSlot.starts_at).where(
            BlockedSlot.service_id == service_id,
            BlockedSlot.starts_at.between(slots[0].starts_at, slots[-1].starts_at))).all())
        by_slot: dict[datetime, list[AppointmentView]] = {}
        for booking in bookings:
            by_slot.setdefault(booking.starts_at, []).append(AppointmentView.of(booking))
        return [
            StaffSlot(
                SlotView(s.starts_at, s.ends_at, rules.capacity,
                         sum(1 for a in by_slot.get(s.starts_at, []) if a.state in HOLDING_STATES),
                         s.starts_at in blocked),
                tuple(by_slot.get(s.starts_at, [])),
                s.starts_at >= now + rules.min_lead,
            )
            for s in slots
        ]


def upcoming(
    uow: UnitOfWork, *, office_id: int, days: int = 14, service_id: int | None = None
) -> list[AppointmentView]:
    """Bookings from now to `days` ahead that still hold their place, soonest first."""
    with uow:
        now = uow.clock.now()
        query = (
            select(Appointment)
            .where(Appointment.office_id == office_id, Appointment.starts_at >= now - timedelta(hours=1),
                   Appointment.starts_at < now + timedelta(days=days),
                   Appointment.state.in_((AppointmentState.BOOKED, AppointmentState.CHECKED_IN)))
            .order_by(Appointment.starts_at, Appointment.id)
        )
        if service_id is not None:
            query = query.where(Appointment.service_id == service_id)
        return [AppointmentView.of(a) for a in uow.session.scalars(query).all()]


def block_slot(uow: UnitOfWork, *, service_id: int, starts_at: datetime, reason: str,
               user_id: int | None = None) -> list[AppointmentView]:
    """Take a slot out of booking; bookings in it are cancelled by the office and each person gets a notice."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("say why the slot is closed: the people booked in it are told")
    with uow:
        service, schedule = bookable_schedule(uow.session, service_id, lock=True)
        rules = rules_of(uow.session, schedule, service.office)
        day = starts_at.astimezone(ZoneInfo(rules.timezone)).date()
        if starts_at not in {s.starts_at for s in slots_on(rules, day)}:
            raise InvalidInput("there is no slot at this time")
        now = uow.clock.now()
        if uow.session.scalar(select(BlockedSlot.id).where(BlockedSlot.service_id == service_id,
                                                           BlockedSlot.starts_at == starts_at)) is None:
            uow.session.add(BlockedSlot(office_id=service.office_id, service_id=service_id, starts_at=starts_at,
                                        reason=reason[:200], blocked_at=now, blocked_by_id=user_id))
        cancelled = uow.session.scalars(
            select(Appointment).where(Appointment.service_id == service_id, Appointment.starts_at == starts_at,
                                      Appointment.state == AppointmentState.BOOKED)
        ).all()
        for appointment in cancelled:
            appointment.state = AppointmentState.CANCELLED
            appointment.cancelled_at = now
            appointment.cancelled_by = "office"
            appointment.cancel_reason = reason[:200]
            queue_message(uow, appointment, "office_cancelled")
        views = [AppointmentView.of(a) for a in cancelled]
        uow.commit()
        return views


def unblock_slot(uow: UnitOfWork, *, service_id: int, starts_at: datetime) -> None:
    """Open a blocked slot for booking again (bookings cancelled by the block stay cancelled)."""
    with uow:
        bookable_schedule(uow.session, service_id, lock=True)
        uow.session.execute(delete(BlockedSlot).where(BlockedSlot.service_id == service_id,
                                                      BlockedSlot.starts_at == starts_at))
        uow.commit()


def get_appointment(uow: UnitOfWork, appointment_id: int) -> AppointmentView:
    with uow:
        appointment = uow.session.get(Appointment, appointment_id)
        if appointment is None:
            raise NotFound(f"there is no booking {appointment_id}")
        return AppointmentView.of(appointment)


def cancel_for_caller(uow: UnitOfWork, *, appointment_id: int, reason: str) -> AppointmentView:
    """Staff cancel one booking (a caller asked, or the office must): the person is told by email."""
    with uow:
        appointment = uow.session.get(Appointment, appointment_id)
        if appointment is None:
            raise NotFound(f"there is no booking {appointment_id}")
        if appointment.state != AppointmentState.BOOKED:
            raise InvalidInput("only a booking not yet checked in can be cancelled")
        appointment.state = AppointmentState.CANCELLED
        appointment.cancelled_at = uow.clock.now()
        appointment.cancelled_by = "office"
        appointment.cancel_reason = " ".join((reason or "").split())[:200]
        queue_message(uow, appointment, "office_cancelled")
        view = AppointmentView.of(appointment)
        uow.commit()
        return view


def no_show_rate(uow: UnitOfWork, *, office_id: int, start: date, end: date,
                 service_id: int | None = None) -> NoShowRate:
    """No-shows among the bookings of local days start..end whose check-in window has closed."""
    with uow:
        office = get_office(uow.session, office_id)
        zone = ZoneInfo(office.timezone)
        first = datetime.combine(start, datetime.min.time(), zone)
        after = datetime.combine(end + timedelta(days=1), datetime.min.time(), zone)
        query = (
            select(Appointment.state, func.count())
            .where(Appointment.office_id == office_id, Appointment.starts_at >= first, Appointment.starts_at < after,
                   Appointment.state.in_((AppointmentState.CHECKED_IN, AppointmentState.NO_SHOW)))
            .group_by(Appointment.state)
        )
        if service_id is not None:
            get_service(uow.session, service_id)
            query = query.where(Appointment.service_id == service_id)
        counts = dict(uow.session.execute(query).all())
        no_shows = int(counts.get(AppointmentState.NO_SHOW, 0))
        return NoShowRate(office_id, start, end, no_shows + int(counts.get(AppointmentState.CHECKED_IN, 0)), no_shows)
