"""Arrival: checking in turns a booking into a ticket marked as an appointment (at the kiosk, printed like any
other, or from the phone); too late is offered a walk-in ticket; bookings nobody checked in for become no-shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from waitwell.domain.booking_codes import normalise_code
from waitwell.domain.check_in import CheckInTiming
from waitwell.domain.errors import Conflict, InvalidInput, NotFound
from waitwell.persistence import Appointment, AppointmentSettings, AppointmentState, Kiosk, Ticket
from waitwell.services.appointments.setup import OfficePolicy, office_policy
from waitwell.services.appointments.views import AppointmentView
from waitwell.services.kiosk_taps import KioskTicket, TapKiosk, print_content
from waitwell.services.lookups import people_ahead_of_ticket
from waitwell.services.print_jobs import add_print_job
from waitwell.services.results import TicketView
from waitwell.services.tickets import add_ticket
from waitwell.services.unit_of_work import UnitOfWork


class CheckInTooEarly(Conflict):
    code = "check_in_too_early"

    def __init__(self, message: str, *, opens_at: datetime, timezone: str) -> None:
        super().__init__(message)
        self.opens_at = opens_at
        self.timezone = timezone


@dataclass(frozen=True)
class CheckInResult:
    """Checked in (`ticket` set, `replayed` when it had been done before), or too late (`walk_in_*` set)."""

    appointment: AppointmentView
    ticket: TicketView | None = None
    kiosk_ticket: KioskTicket | None = None
    replayed: bool = False
    too_late: bool = False
    walk_in_service_id: int | None = None
    walk_in_service_name: str | None = None


def check_in_at_kiosk(uow: UnitOfWork, *, kiosk_id: int, code: str, public_base_url: str,
                      language: str | None = None) -> CheckInResult:
    """The booking code typed or scanned at a kiosk of the booking's office; the ticket prints on its printer."""
    with uow:
        kiosk = uow.session.get(Kiosk, kiosk_id, options=[selectinload(Kiosk.services), selectinload(Kiosk.printer)])
        if kiosk is None:
            raise NotFound(f"there is no kiosk {kiosk_id}")
        office_policy(uow.session, kiosk.office_id)  # AppointmentsNotEnabled for an office without bookings
        normalised = normalise_code(code)
        if normalised is None:
            raise InvalidInput("this is not a booking code; it looks like K7M2-9QXD on your confirmation")
        appointment = _locked(uow.session, Appointment.code == normalised)
        if appointment is None or appointment.office_id != kiosk.office_id:
            raise NotFound("we cannot find this booking at this office; please check the code or ask at the desk")
        result = _check_in(uow, appointment)
        if result.ticket is None or result.replayed or kiosk.printer is None:
            uow.commit()
            return _with_kiosk_ticket(result, None)
        content = print_content(TapKiosk.of(kiosk), result.ticket, public_base_url, language or kiosk.language, None,
                                appointment.service.names)
        content["appointment_at"] = appointment.starts_at.isoformat()
        job = add_print_job(uow, ticket=result.ticket, kiosk=kiosk, content=content)
        printed = KioskTicket(result.ticket, job, replayed=False, printer_status=kiosk.printer.status)
        uow.commit()
        return _with_kiosk_ticket(result, printed)


def check_in_by_link(uow: UnitOfWork, *, token: str) -> CheckInResult:
    """Check in from the phone, through the confirmation's link; the ticket is followed on the status page."""
    with uow:
        appointment = _locked(uow.session, Appointment.manage_token == token) if token else None
        if appointment is None:
            raise NotFound("this booking does not exist or has been removed")
        office_policy(uow.session, appointment.office_id)
        result = _check_in(uow, appointment)
        uow.commit()
        return result


def walk_in_instead(uow: UnitOfWork, *, token: str) -> TicketView:
    """Too late for the appointment: an ordinary ticket for the same service, once per booking."""
    with uow:
        appointment = _locked(uow.session, Appointment.manage_token == token) if token else None
        if appointment is None:
            raise NotFound("this booking does not exist or has been removed")
        policy = office_policy(uow.session, appointment.office_id)
        if appointment.ticket_id is not None:
            ticket = uow.session.get_one(Ticket, appointment.ticket_id)
            return TicketView.of(ticket)
        if policy.check_in.timing(appointment.starts_at, uow.clock.now()) != CheckInTiming.TOO_LATE:
            raise Conflict("your check-in window is open: check in for your appointment instead")
        ticket = add_ticket(uow, service_id=appointment.service_id, origin="web")
        appointment.ticket_id = ticket.id  # the booking is used up; it stays a no-show in the statistics
        if appointment.state == AppointmentState.BOOKED:
            _mark_no_show(appointment, uow.clock.now())
        uow.commit()
        return ticket


def mark_no_shows(uow: UnitOfWork) -> list[str]:
    """Bookings whose check-in window has closed without a check-in become no-shows (the scheduler runs this)."""
    with uow:
        now = uow.clock.now()
        marked = []
        for settings in uow.session.scalars(select(AppointmentSettings)).all():
            late = OfficePolicy.of(settings).check_in.late
            overdue = uow.session.scalars(
                select(Appointment).where(Appointment.office_id == settings.office_id,
                                          Appointment.state == AppointmentState.BOOKED,
                                          Appointment.starts_at < now - late)
                .with_for_update(skip_locked=True)
            ).all()
            for appointment in overdue:
                _mark_no_show(appointment, now)
                marked.append(appointment.code)
        uow.commit()
        return marked


def _check_in(uow: UnitOfWork, appointment: Appointment) -> CheckInResult:
    policy = office_policy(uow.session, appointment.office_id)
    now = uow.clock.now()
    if appointment.state == AppointmentState.CHECKED_IN and appointment.ticket is not None:
        ticket = appointment.ticket
        return CheckInResult(AppointmentView.of(appointment), _ticket_view(uow, ticket, now), replayed=True)
    if appointment.state == AppointmentState.CANCELLED:
        raise Conflict("this booking was cancelled; please take a ticket or book again")
    timing = policy.check_in.timing(appointment.starts_at, now)
    if timing == CheckInTiming.TOO_EARLY:
        opens = policy.check_in.opens_at(appointment.starts_at).astimezone(ZoneInfo(appointment.office.timezone))
        raise CheckInTooEarly(f"you are early: check-in for your {_local(appointment)} appointment opens at "
                              f"{opens:%H:%M}", opens_at=opens, timezone=appointment.office.timezone)
    if timing == CheckInTiming.TOO_LATE or appointment.state == AppointmentState.NO_SHOW:
        if appointment.state == AppointmentState.BOOKED:
            _mark_no_show(appointment, now)
        return CheckInResult(AppointmentView.of(appointment), too_late=True,
                             walk_in_service_id=appointment.service_id,
                             walk_in_service_name=appointment.service.name)
    issued = add_ticket(uow, service_id=appointment.service_id, origin="appointment")
    ticket = uow.session.get_one(Ticket, issued.id)
    ticket.appointment_at = appointment.starts_at
    appointment.state = AppointmentState.CHECKED_IN
    appointment.checked_in_at = now
    appointment.ticket = ticket
    uow.session.flush()
    return CheckInResult(AppointmentView.of(appointment), _ticket_view(uow, ticket, now))


def _ticket_view(uow: UnitOfWork, ticket: Ticket, now: datetime) -> TicketView:
    ahead = people_ahead_of_ticket(uow.session, ticket, now) if ticket.state == "waiting" \
        else None
    return TicketView.of(ticket, people_ahead=ahead)


def _mark_no_show(appointment: Appointment, now: datetime) -> None:
    appointment.state = AppointmentState.NO_SHOW
    appointment.no_show_at = now


def _locked(session: Session, condition: object) -> Appointment | None:
    return session.scalar(select(Appointment).where(condition).with_for_update())  # type: ignore[arg-type]


def _local(appointment: Appointment) -> str:
    return f"{appointment.starts_at.astimezone(ZoneInfo(appointment.office.timezone)):%H:%M}"


def _with_kiosk_ticket(result: CheckInResult, printed: KioskTicket | None) -> CheckInResult:
    if printed is None and result.ticket is not None:
        printed = KioskTicket(result.ticket, None, replayed=result.replayed)
    return CheckInResult(result.appointment, result.ticket, printed, result.replayed, result.too_late,
                         result.walk_in_service_id, result.walk_in_service_name)
