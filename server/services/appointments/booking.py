"""Booking without an account: what can be booked, booking a slot, rescheduling and cancelling by the secret link.

A slot is never booked beyond its capacity, also when many people book at once: every booking,
reschedule and block of a service first locks the service's schedule row (PostgreSQL: SELECT ...
FOR UPDATE; SQLite: the write lock taken when the transaction begins), then counts the slot.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from waitwell.domain.booking import BookingRules, SlotUnavailable, bookable_days, bookable_slots, require_bookable
from waitwell.domain.booking_codes import new_booking_code
from waitwell.domain.errors import Conflict, InvalidInput, NotFound
from waitwell.persistence import (
    Appointment,
    AppointmentSettings,
    AppointmentState,
    BlockedSlot,
    BookingSchedule,
    Office,
    Service,
)
from waitwell.persistence.appointments import HOLDING_STATES
from waitwell.services.appointments.messages import queue_message
from waitwell.services.appointments.setup import bookable_schedule, office_policy, rules_of
from waitwell.services.appointments.views import AppointmentView, SlotView
from waitwell.services.lookups import get_office
from waitwell.services.unit_of_work import UnitOfWork

TOKEN_BYTES = 24  # 192 random bits: the reschedule/cancel link's secret
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^[0-9+()./\- ]{5,40}$")


@dataclass(frozen=True)
class BookableService:
    office_id: int
    office_name: str
    service_id: int
    service_name: str
    description: str
    names: dict[str, str]


@dataclass(frozen=True)
class Booker:
    """Who the booking is for: seen by staff only."""

    name: str
    email: str | None
    phone: str | None = None
    language: str = "en"


def bookable_services(uow: UnitOfWork, office_id: int | None = None) -> list[BookableService]:
    """Services that take online bookings, of one office or of every office with appointments on."""
    with uow:
        query = (
            select(Service, Office)
            .join(BookingSchedule, BookingSchedule.service_id == Service.id)
            .join(Office, Office.id == Service.office_id)
            .join(AppointmentSettings, AppointmentSettings.office_id == Office.id)
            .where(BookingSchedule.active, Service.active, AppointmentSettings.enabled)
            .order_by(Office.name, Service.display_order, Service.id)
        )
        if office_id is not None:
            query = query.where(Office.id == office_id)
        return [
            BookableService(office.id, office.public_name or office.name, service.id, service.name,
                            service.description, dict(service.names or {}))
            for service, office in uow.session.execute(query).all()
        ]


def available_days(uow: UnitOfWork, service_id: int) -> list[date]:
    """Local days from today to the horizon that still have a free slot."""
    with uow:
        service, schedule = bookable_schedule(uow.session, service_id)
        rules = rules_of(uow.session, schedule, service.office)
        now = uow.clock.now()
        return [day for day in bookable_days(rules, now)
                if any(slot.free for slot in _slot_views(uow.session, service_id, rules, day, now))]


def available_slots(uow: UnitOfWork, service_id: int, day: date) -> list[SlotView]:
    """The day's bookable slots with the places left in each (full and blocked ones included, marked)."""
    with uow:
        service, schedule = bookable_schedule(uow.session, service_id)
        rules = rules_of(uow.session, schedule, service.office)
        return _slot_views(uow.session, service_id, rules, day, uow.clock.now())


def book(
    uow: UnitOfWork,
    *,
    service_id: int,
    starts_at: datetime,
    booker: Booker,
    origin: str = "web",
    booked_by_id: int | None = None,
) -> AppointmentView:
    """Book one place in a slot; SlotUnavailable when it is full or blocked, even under concurrent bookings."""
    name, email, phone = _checked_booker(booker, email_required=origin == "web")
    with uow:
        service, schedule = bookable_schedule(uow.session, service_id, lock=True)
        now = uow.clock.now()
        rules = rules_of(uow.session, schedule, service.office)
        slot = require_bookable(rules, starts_at, now)
        _require_free(uow.session, service_id, slot.starts_at, rules)
        appointment = Appointment(
            office_id=service.office_id, service_id=service_id, starts_at=slot.starts_at, ends_at=slot.ends_at,
            state=AppointmentState.BOOKED, code=_unused_code(uow.session),
            manage_token=secrets.token_urlsafe(TOKEN_BYTES), name=name, email=email, phone=phone,
            language=booker.language, origin=origin, booked_at=now, booked_by_id=booked_by_id, cancel_reason="",
        )
        uow.session.add(appointment)
        uow.session.flush()
        queue_message(uow, appointment, "confirmation")
        view = AppointmentView.of(appointment)
        uow.commit()
        return view


def get_by_token(uow: UnitOfWork, token: str) -> AppointmentView:
    with uow:
        return AppointmentView.of(_by_token(uow.session, token))


def reschedule(uow: UnitOfWork, *, token: str, starts_at: datetime) -> AppointmentView:
    """Move a booking to another slot of the same service (the old place is freed in the same transaction)."""
    with uow:
        current = _by_token(uow.session, token)
        if current.state != AppointmentState.BOOKED:
            raise Conflict(_not_changeable(current))
        service, schedule = bookable_schedule(uow.session, current.service_id, lock=True)
        now = uow.clock.now()
        if current.starts_at <= now:
            raise Conflict("this appointment has already begun; it can no longer be moved")
        if starts_at == current.starts_at:
            return AppointmentView.of(current)
        rules = rules_of(uow.session, schedule, service.office)
        slot = require_bookable(rules, starts_at, now)
        _require_free(uow.session, current.service_id, slot.starts_at, rules)
        current.starts_at, current.ends_at = slot.starts_at, slot.ends_at
        current.reminder_sent_for = None
        queue_message(uow, current, "rescheduled")
        view = AppointmentView.of(current)
        uow.commit()
        return view


def cancel(uow: UnitOfWork, *, token: str) -> AppointmentView:
    """The citizen cancels; their place in the slot is free again at once."""
    with uow:
        appointment = _by_token(uow.session, token)
        if appointment.state != AppointmentState.BOOKED:
            raise Conflict(_not_changeable(appointment))
        appointment.state = AppointmentState.CANCELLED
        appointment.cancelled_at = uow.clock.now()
        appointment.cancelled_by = "citizen"
        queue_message(uow, appointment, "cancelled")
        view = AppointmentView.of(appointment)
        uow.commit()
        return view


def _slot_views(session: Session, service_id: int, rules: BookingRules, day: date, now: datetime) -> list[SlotView]:
    slots = bookable_slots(rules, day, now)
    if not slots:
        return []
    first, last = slots[0].starts_at, slots[-1].starts_at
    booked = dict(session.execute(
        select(Appointment.starts_at, func.count())
        .where(Appointment.service_id == service_id, Appointment.starts_at.between(first, last),
               Appointment.state.in_(HOLDING_STATES))
        .group_by(Appointment.starts_at)
    ).all())
    blocked = set(session.scalars(
        select(BlockedSlot.starts_at).where(BlockedSlot.service_id == service_id,
                                            BlockedSlot.starts_at.between(first, last))
    ).all())
    return [SlotView(s.starts_at, s.ends_at, rules.capacity, int(booked.get(s.starts_at, 0)), s.starts_at in blocked)
            for s in slots]


def _require_free(session: Session, service_id: int, starts_at: datetime, rules: BookingRules) -> None:
    """Called with the schedule row locked, so the count cannot change until this transaction ends."""
    if session.scalar(select(BlockedSlot.id).where(BlockedSlot.service_id == service_id,
                                                   BlockedSlot.starts_at == starts_at)):
        raise SlotUnavailable("the office has closed this time for bookings; please pick another one")
    taken = session.scalar(
        select(func.count()).select_from(Appointment)
        .where(Appointment.service_id == service_id, Appointment.starts_at == starts_at,
               Appointment.state.in_(HOLDING_STATES))
    ) or 0
    if taken >= rules.capacity:
        raise SlotUnavailable("this time was just booked by someone else; please pick another one")


def _unused_code(session: Session) -> str:
    for _ in range(20):
        code = new_booking_code()
        if session.scalar(select(Appointment.id).where(Appointment.code == code)) is None:
            return code
    raise Conflict("could not find a free booking code; please try again")  # 20 collisions in 2**40: never


def _checked_booker(booker: Booker, *, email_required: bool) -> tuple[str, str | None, str | None]:
    name = " ".join((booker.name or "").split())
    email = (booker.email or "").strip() or None
    phone = " ".join((booker.phone or "").split()) or None
    if not name or len(name) > 120:
        raise InvalidInput("please give your name (up to 120 characters)")
    if email is None and email_required:
        raise InvalidInput("please give an email address: the confirmation and your booking code are sent there")
    if email is not None and (len(email) > 254 or not EMAIL_PATTERN.match(email)):
        raise InvalidInput("this does not look like an email address; please check it")
    if phone is not None and not PHONE_PATTERN.match(phone):
        raise InvalidInput("a phone number has digits, spaces and + - ( ) only")
    return name, email, phone


def _by_token(session: Session, token: str) -> Appointment:
    appointment = session.scalar(select(Appointment).where(Appointment.manage_token == token)) if token else None
    if appointment is None:
        raise NotFound("this booking does not exist or has been removed")
    return appointment


def _not_changeable(appointment: Appointment) -> str:
    return {
        AppointmentState.CANCELLED: "this booking was cancelled",
        AppointmentState.CHECKED_IN: "you have already checked in for this appointment",
        AppointmentState.NO_SHOW: "this appointment has passed",
    }.get(appointment.state, "this booking can no longer be changed")


def office_name(uow: UnitOfWork, office_id: int) -> str:
    with uow:
        office = get_office(uow.session, office_id)
        office_policy(uow.session, office_id)
        return office.public_name or office.name
