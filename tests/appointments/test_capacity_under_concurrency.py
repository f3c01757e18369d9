"""A slot is never booked beyond its capacity, also when many people book it at the same moment."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.appointments.support import booker, local, make_bookable_office
from waitwell.domain.booking import SlotUnavailable
from waitwell.persistence import Appointment
from waitwell.runtime import Runtime
from waitwell.services.appointments import booking

THREADS = 16


@pytest.mark.parametrize("capacity", [1, 3])
def test_concurrent_bookings_never_exceed_the_capacity(any_runtime: Runtime, capacity: int) -> None:
    office = make_bookable_office(any_runtime, capacity=capacity)
    at = local("2026-03-11", "09:00")
    start = threading.Barrier(THREADS)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def book_one(index: int) -> None:
        start.wait()
        try:
            booking.book(any_runtime.uow(), service_id=office.service_id, starts_at=at,
                         booker=booker(f"Person {index}", f"person{index}@example.org"))
            outcome = "booked"
        except SlotUnavailable:
            outcome = "full"
        except Exception as error:  # noqa: BLE001 - any other failure is reported by the assertion
            outcome = f"error: {error!r}"
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=book_one, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == Counter({"booked": capacity, "full": THREADS - capacity})
    with any_runtime.uow(read_only=True) as uow:
        stored = uow.session.scalar(select(func.count()).select_from(Appointment).where(Appointment.starts_at == at))
    assert stored == capacity
