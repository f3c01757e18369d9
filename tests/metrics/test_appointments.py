"""An appointment's wait starts at the later of its check-in and its slot (issue #6's definition)."""

from __future__ import annotations

from datetime import date

from tests.appointments.support import booker, local, make_bookable_office
from tests.metrics.support import minutes, visits_on
from waitwell.services import counters
from waitwell.services.appointments import booking, check_in


def test_early_check_in_waits_from_the_slot_and_late_check_in_from_arrival(runtime, clock):
    office = make_bookable_office(runtime)  # the clock says 10:00; slots from 11:00 need an hour's notice
    early = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local("2026-03-10", "11:00"),
                         booker=booker("Ana"))
    late = booking.book(runtime.uow(), service_id=office.service_id, starts_at=local("2026-03-10", "11:15"),
                        booker=booker("Ben"))
    counter_id = office.office.counters["Counter 1"]

    clock.set(local("2026-03-10", "10:50"))  # ten minutes early
    check_in.check_in_by_link(runtime.uow(), token=early.manage_token)
    clock.set(local("2026-03-10", "11:04"))
    counters.complete(runtime.uow(), ticket_id=counters.call_next(runtime.uow(), counter_id=counter_id).id)
    clock.set(local("2026-03-10", "11:20"))  # five minutes late
    check_in.check_in_by_link(runtime.uow(), token=late.manage_token)
    clock.set(local("2026-03-10", "11:27"))
    counters.call_next(runtime.uow(), counter_id=counter_id)

    first, second = visits_on(runtime, office.office_id, date(2026, 3, 10))
    assert minutes(first.legs[0].wait) == 4  # 11:00 slot to 11:04, not the 14 minutes since check-in
    assert minutes(second.legs[0].wait) == 7  # 11:20 check-in to 11:27
    assert first.issued_at == local("2026-03-10", "10:50")  # a visit still runs from check-in
