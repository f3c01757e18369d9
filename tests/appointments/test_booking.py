"""Booking, rescheduling and cancelling on the real engine (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.appointments.support import booker, local, make_bookable_office
from tests.factories import make_office
from waitwell.domain.booking import OutsideBookingWindow, SlotUnavailable
from waitwell.domain.errors import Conflict, InvalidInput, NotFound
from waitwell.persistence import AppointmentState, Office
from waitwell.runtime import Runtime
from waitwell.services.appointments import booking, setup, staff
from waitwell.services.appointments.setup import AppointmentsNotEnabled

WEDNESDAY = "2026-03-11"


def test_a_booking_gets_a_code_a_secret_link_and_the_slot(any_runtime: Runtime) -> None:
    office = make_bookable_office(any_runtime)
    made = booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:15"),
                        booker=booker())
    assert made.state == AppointmentState.BOOKED
    assert made.starts_at == local(WEDNESDAY, "09:15") and made.ends_at == local(WEDNESDAY, "09:30")
    assert len(made.code) == 9 and len(made.manage_token) >= 32
    assert booking.get_by_token(any_runtime.uow(), made.manage_token).name == "Ana Pérez"


def test_a_full_slot_refuses_the_next_booking_and_a_cancellation_frees_it(any_runtime: Runtime) -> None:
    office = make_bookable_office(any_runtime, capacity=2)
    at = local(WEDNESDAY, "09:00")
    first = booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=at, booker=booker())
    booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=at, booker=booker("Bo"))
    with pytest.raises(SlotUnavailable, match="just booked by someone else"):
        booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=at, booker=booker("Cy"))
    slots = booking.available_slots(any_runtime.uow(), office.service_id, date.fromisoformat(WEDNESDAY))
    assert (slots[0].booked, slots[0].free) == (2, 0)

    booking.cancel(any_runtime.uow(), token=first.manage_token)
    booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=at, booker=booker("Cy"))


def test_rescheduling_moves_the_booking_and_frees_the_old_slot(any_runtime: Runtime) -> None:
    office = make_bookable_office(any_runtime)
    made = booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                        booker=booker())
    moved = booking.reschedule(any_runtime.uow(), token=made.manage_token, starts_at=local(WEDNESDAY, "11:00"))
    assert moved.starts_at == local(WEDNESDAY, "11:00") and moved.code == made.code
    booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                 booker=booker("Bo"))
    with pytest.raises(SlotUnavailable):
        booking.reschedule(any_runtime.uow(), token=made.manage_token, starts_at=local(WEDNESDAY, "09:00"))


def test_a_cancelled_booking_cannot_be_changed_again(any_runtime: Runtime) -> None:
    office = make_bookable_office(any_runtime)
    made = booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                        booker=booker())
    booking.cancel(any_runtime.uow(), token=made.manage_token)
    with pytest.raises(Conflict, match="cancelled"):
        booking.cancel(any_runtime.uow(), token=made.manage_token)
    with pytest.raises(NotFound):
        booking.get_by_token(any_runtime.uow(), "not-a-token")


def test_blocked_slots_and_closed_days_cannot_be_booked(any_runtime: Runtime) -> None:
    office = make_bookable_office(any_runtime)
    staff.block_slot(any_runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                     reason="Staff training")
    with pytest.raises(SlotUnavailable, match="closed this time"):
        booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                     booker=booker())
    setup.add_closure(any_runtime.uow(), office_id=office.office_id, day=date(2026, 3, 12), reason="Holiday")
    with pytest.raises(SlotUnavailable):
        booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=local("2026-03-12", "09:00"),
                     booker=booker())
    days = booking.available_days(any_runtime.uow(), office.service_id)
    assert date(2026, 3, 12) not in days and date(2026, 3, 11) in days


def test_lead_time_and_horizon_are_enforced(any_runtime: Runtime) -> None:
    office = make_bookable_office(any_runtime, min_lead_minutes=120, horizon_days=5)
    with pytest.raises(OutsideBookingWindow):  # now is 10:00 on Tuesday the 10th
        booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=local("2026-03-10", "11:45"),
                     booker=booker())
    with pytest.raises(OutsideBookingWindow):
        booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=local("2026-03-16", "09:00"),
                     booker=booker())
    booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=local("2026-03-13", "11:45"),
                 booker=booker())


@pytest.mark.parametrize(("who", "message"), [
    (booker(name="  "), "your name"),
    (booker(email=None), "email address"),
    (booker(email="ana at example"), "does not look like an email"),
    (booker(phone="call me"), "phone number"),
])
def test_what_the_booker_gives_is_checked(runtime: Runtime, who: booking.Booker, message: str) -> None:
    office = make_bookable_office(runtime)
    with pytest.raises(InvalidInput, match=message):
        booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"), booker=who)


def test_staff_can_book_for_a_caller_without_an_email(runtime: Runtime) -> None:
    office = make_bookable_office(runtime)
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                        booker=booker(email=None, phone="+1 860 555 0100"), origin="staff")
    assert made.origin == "staff" and made.email is None and made.phone == "+1 860 555 0100"


def test_an_office_without_appointments_takes_no_bookings(runtime: Runtime) -> None:
    office = make_bookable_office(runtime)
    setup.configure_office(runtime.uow(), office_id=office.office_id, enabled=False)
    with pytest.raises(AppointmentsNotEnabled, match="not enabled for Hartford DMV"):
        booking.book(runtime.uow(), service_id=office.service_id, starts_at=local(WEDNESDAY, "09:00"),
                     booker=booker())
    assert booking.bookable_services(runtime.uow()) == []


def test_a_service_without_a_schedule_cannot_be_booked(runtime: Runtime) -> None:
    office = make_bookable_office(runtime)
    with pytest.raises(NotFound, match="cannot be booked online"):
        booking.available_days(runtime.uow(), office.other_service_id)
    assert [s.service_name for s in booking.bookable_services(runtime.uow())] == ["Licence renewal"]


def test_turning_appointments_on_calls_bookings_at_their_slot(runtime: Runtime) -> None:
    office = make_office(runtime, name="Norwich DMV")
    setup.configure_office(runtime.uow(), office_id=office.office_id)
    with runtime.uow(read_only=True) as uow:
        assert uow.session.get_one(Office, office.office_id).calling_strategy == "appointments-on-time"
