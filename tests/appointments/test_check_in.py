"""Check-in: the window around the slot, a ticket marked as an appointment and printed, too late, no-shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.appointments.support import BookableOffice, booker, local, make_bookable_office
from tests.kiosk.support import preview_printer
from waitwell.domain.clock import VirtualClock
from waitwell.domain.errors import Conflict, InvalidInput, NotFound
from waitwell.persistence import AppointmentState, PrintJob, Ticket
from waitwell.runtime import Runtime
from waitwell.services import kiosks, printers
from waitwell.services.appointments import booking, check_in
from waitwell.services.appointments.check_in import CheckInTooEarly
from waitwell.services.appointments.views import AppointmentView

BASE_URL = "https://waitwell.example.org"
SLOT = local("2026-03-10", "11:00")  # the clock starts at 10:00 that day


def kiosk_for(runtime: Runtime, office: BookableOffice, *, with_printer: bool = True) -> int:
    printer_id = printers.add_printer(runtime.uow(), office_id=office.office_id, name="Lobby printer",
                                      **preview_printer()).id if with_printer else None
    return kiosks.register_kiosk(runtime.uow(), office_id=office.office_id, name="Entrance",
                                 service_ids=[office.service_id, office.other_service_id], printer_id=printer_id).id


def book_at(runtime: Runtime, office: BookableOffice, at=SLOT, name: str = "Ana Pérez") -> AppointmentView:
    return booking.book(runtime.uow(), service_id=office.service_id, starts_at=at, booker=booker(name))


def at_kiosk(runtime: Runtime, kiosk_id: int, code: str) -> check_in.CheckInResult:
    return check_in.check_in_at_kiosk(runtime.uow(), kiosk_id=kiosk_id, code=code, public_base_url=BASE_URL)


@pytest.mark.parametrize(("minutes_from_slot", "outcome"), [
    (-16, "too early"), (-15, "checked in"), (0, "checked in"), (10, "checked in"), (11, "too late"),
])
def test_the_window_runs_from_15_minutes_early_to_10_minutes_late(
    runtime: Runtime, clock: VirtualClock, minutes_from_slot: int, outcome: str
) -> None:
    office = make_bookable_office(runtime, early=15, late=10)
    kiosk_id = kiosk_for(runtime, office)
    made = book_at(runtime, office)
    clock.set(SLOT + timedelta(minutes=minutes_from_slot))
    if outcome == "too early":
        with pytest.raises(CheckInTooEarly, match="opens at 10:45"):
            at_kiosk(runtime, kiosk_id, made.code)
        return
    result = at_kiosk(runtime, kiosk_id, made.code)
    if outcome == "too late":
        assert result.too_late and result.ticket is None
        assert (result.walk_in_service_id, result.walk_in_service_name) == (office.service_id, "Licence renewal")
        assert result.appointment.state == AppointmentState.NO_SHOW
    else:
        assert result.ticket is not None and result.appointment.state == AppointmentState.CHECKED_IN


def test_a_kiosk_check_in_issues_an_appointment_ticket_with_its_print_job(
    runtime: Runtime, clock: VirtualClock
) -> None:
    office = make_bookable_office(runtime)
    kiosk_id = kiosk_for(runtime, office)
    made = book_at(runtime, office)
    clock.set(SLOT - timedelta(minutes=5))
    result = at_kiosk(runtime, kiosk_id, made.code.lower().replace("-", " "))  # typed sloppily
    assert result.ticket is not None and result.ticket.number == "A001" and result.ticket.origin == "appointment"
    assert result.kiosk_ticket is not None and result.kiosk_ticket.print_job is not None
    with runtime.uow(read_only=True) as uow:
        ticket = uow.session.get_one(Ticket, result.ticket.id)
        assert ticket.appointment_at == SLOT and ticket.issued_at == SLOT - timedelta(minutes=5)
        job = uow.session.scalar(select(PrintJob).where(PrintJob.ticket_id == ticket.id))
        assert job is not None and job.content["number"] == "A001"
        assert job.content["status_url"] == f"{BASE_URL}/t/{ticket.token}"

    again = at_kiosk(runtime, kiosk_id, made.code)  # scanned twice: the same ticket, no second paper
    assert again.replayed and again.ticket is not None and again.ticket.id == result.ticket.id
    with runtime.uow(read_only=True) as uow:
        assert len(uow.session.scalars(select(PrintJob)).all()) == 1


def test_codes_of_another_office_cancelled_or_unknown_are_refused(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_bookable_office(runtime)
    other = make_bookable_office(runtime, name="Norwich DMV")
    kiosk_id = kiosk_for(runtime, office)
    elsewhere = booking.book(runtime.uow(), service_id=other.service_id, starts_at=SLOT, booker=booker())
    cancelled = book_at(runtime, office, at=SLOT + timedelta(minutes=15))
    booking.cancel(runtime.uow(), token=cancelled.manage_token)
    clock.set(SLOT)
    with pytest.raises(NotFound, match="at this office"):
        at_kiosk(runtime, kiosk_id, elsewhere.code)
    with pytest.raises(Conflict, match="cancelled"):
        at_kiosk(runtime, kiosk_id, cancelled.code)
    with pytest.raises(NotFound):
        at_kiosk(runtime, kiosk_id, "ZZZZ-ZZZZ")
    with pytest.raises(InvalidInput, match="not a booking code"):
        at_kiosk(runtime, kiosk_id, "hello")


def test_checking_in_from_the_phone_gives_a_ticket_to_follow(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_bookable_office(runtime)
    made = book_at(runtime, office)
    clock.set(SLOT - timedelta(minutes=10))
    result = check_in.check_in_by_link(runtime.uow(), token=made.manage_token)
    assert result.ticket is not None and result.ticket.origin == "appointment"
    assert booking.get_by_token(runtime.uow(), made.manage_token).ticket_token == result.ticket.token


def test_too_late_on_the_phone_is_offered_a_walk_in_ticket_once(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_bookable_office(runtime)
    made = book_at(runtime, office)
    clock.set(SLOT + timedelta(minutes=30))
    assert check_in.check_in_by_link(runtime.uow(), token=made.manage_token).too_late
    ticket = check_in.walk_in_instead(runtime.uow(), token=made.manage_token)
    assert ticket.origin == "web" and ticket.number == "A001"
    assert check_in.walk_in_instead(runtime.uow(), token=made.manage_token).id == ticket.id
    with runtime.uow(read_only=True) as uow:
        assert uow.session.get_one(Ticket, ticket.id).appointment_at is None  # a walk-in, not an appointment


def test_bookings_nobody_checked_in_for_become_no_shows_when_the_window_closes(
    runtime: Runtime, clock: VirtualClock
) -> None:
    office = make_bookable_office(runtime, late=10)
    missed = book_at(runtime, office)
    later = book_at(runtime, office, at=SLOT + timedelta(minutes=30))
    clock.set(SLOT + timedelta(minutes=10))
    assert check_in.mark_no_shows(runtime.uow()) == []
    clock.advance(minutes=1)
    assert check_in.mark_no_shows(runtime.uow()) == [missed.code]
    assert booking.get_by_token(runtime.uow(), missed.manage_token).state == AppointmentState.NO_SHOW
    assert booking.get_by_token(runtime.uow(), later.manage_token).state == AppointmentState.BOOKED
