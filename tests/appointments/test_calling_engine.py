"""The engine calls checked-in appointments at their slot time, without starving walk-ins; estimates agree."""

from __future__ import annotations

from datetime import timedelta

from tests.appointments.support import BookableOffice, booker, local, make_bookable_office
from tests.factories import issue
from waitwell.domain.clock import VirtualClock
from waitwell.runtime import Runtime
from waitwell.services import counters, tickets
from waitwell.services.appointments import booking, check_in
from waitwell.services.estimates import estimate_office

SLOT = local("2026-03-10", "11:00")


def booked_and_checked_in(runtime: Runtime, clock: VirtualClock, office: BookableOffice, slot, name: str) -> int:
    """Book (a day ahead, as the lead time wants) and check in by phone at the clock's time; the ticket id."""
    now = clock.now()
    clock.set(slot - timedelta(days=1))
    made = booking.book(runtime.uow(), service_id=office.service_id, starts_at=slot, booker=booker(name))
    clock.set(now)
    result = check_in.check_in_by_link(runtime.uow(), token=made.manage_token)
    assert result.ticket is not None
    return result.ticket.id


def call_and_finish(runtime: Runtime, counter_id: int) -> str:
    called = counters.call_next(runtime.uow(), counter_id=counter_id)
    counters.complete(runtime.uow(), ticket_id=called.id)
    return called.number


def test_a_checked_in_appointment_is_called_at_its_slot_ahead_of_walk_ins(runtime: Runtime,
                                                                         clock: VirtualClock) -> None:
    office = make_bookable_office(runtime, capacity=3)
    counter = office.office.counters["Counter 1"]
    clock.set(SLOT - timedelta(minutes=20))
    issue(runtime, office.service_id, 2, minutes_apart=1)  # A001, A002 walk in at 10:40 and 10:41
    clock.set(SLOT - timedelta(minutes=10))
    booked_and_checked_in(runtime, clock, office, SLOT, "Ana")  # A003, checked in at 10:50 for 11:00

    assert call_and_finish(runtime, counter) == "A001"  # 10:50: the appointment is not due yet
    clock.set(SLOT)
    assert call_and_finish(runtime, counter) == "A003"  # 11:00: due, ahead of A002 who came earlier
    assert call_and_finish(runtime, counter) == "A002"


def test_no_more_than_two_appointments_in_a_row_while_a_walk_in_waits(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_bookable_office(runtime, capacity=4)
    counter = office.office.counters["Counter 1"]
    clock.set(SLOT - timedelta(minutes=5))
    walk_ins = issue(runtime, office.service_id, 1)  # A001 at 10:55
    for name in ("Ana", "Bo", "Cy", "Di"):
        booked_and_checked_in(runtime, clock, office, SLOT, name)  # A002..A005
    clock.set(SLOT)
    order = [call_and_finish(runtime, counter) for _ in range(5)]
    assert order == ["A002", "A003", walk_ins[0].number, "A004", "A005"]


def test_a_walk_in_waiting_past_the_limit_goes_first(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_bookable_office(runtime, capacity=2)
    counter = office.office.counters["Counter 1"]
    clock.set(SLOT - timedelta(minutes=31))
    issue(runtime, office.other_service_id, 1)  # B001 walks in at 10:29 for the other line
    clock.set(SLOT - timedelta(minutes=5))
    booked_and_checked_in(runtime, clock, office, SLOT, "Ana")
    clock.set(SLOT)
    assert call_and_finish(runtime, counter) == "B001"  # waited 31 minutes: past the 30-minute limit
    assert call_and_finish(runtime, counter) == "A001"


def test_people_ahead_and_estimates_count_a_due_appointment_ahead_of_a_walk_in(runtime: Runtime,
                                                                              clock: VirtualClock) -> None:
    office = make_bookable_office(runtime)
    clock.set(SLOT - timedelta(minutes=5))
    appointment_ticket = booked_and_checked_in(runtime, clock, office, SLOT, "Ana")
    walk_in = issue(runtime, office.service_id, 1)[0]
    assert tickets.ticket_status(runtime.uow(), token=walk_in.token).ticket.people_ahead == 1  # 10:55: tied by time
    clock.set(SLOT + timedelta(minutes=1))
    late_walk_in = issue(runtime, office.service_id, 1)[0]
    status = tickets.ticket_status(runtime.uow(), token=late_walk_in.token).ticket
    assert status.people_ahead == 2
    estimates = estimate_office(runtime.uow(), office.office_id)
    assert estimates[appointment_ticket].expected_minutes <= estimates[walk_in.id].expected_minutes
