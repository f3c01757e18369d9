"""A simulated office's appointments through the real booking use cases: bookable slots, every slot of the day
booked the night before, check-ins at the kiosk's moment, and bookings never kept marked as the engine does."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from waitwell.runtime import Runtime
from waitwell.services.appointments import booking, setup
from waitwell.services.appointments.booking import Booker
from waitwell.simulation.scenario import Scenario
from waitwell.simulation.visitors import Visitor

CHECK_IN_EARLY_MINUTES = 20  # the office's check-in window around a slot: wider than any simulated arrival
CHECK_IN_LATE_MINUTES = 15
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def enable_bookings(runtime: Runtime, scenario: Scenario, office_id: int, service_id: int) -> None:
    """Appointments on (the office then calls bookings on time), the booked line bookable every day."""
    booked = scenario.appointments
    assert booked is not None
    setup.configure_office(runtime.uow(), office_id=office_id, check_in_early_minutes=CHECK_IN_EARLY_MINUTES,
                           check_in_late_minutes=CHECK_IN_LATE_MINUTES)
    last_start = booked.last_hour + booked.every_minutes / 60
    hours = [[_hhmm(booked.first_hour), _hhmm(last_start)]]
    setup.set_schedule(runtime.uow(), service_id=service_id, weekly_hours={day: hours for day in WEEK},
                       slot_minutes=booked.every_minutes, capacity=booked.per_slot, min_lead_minutes=60,
                       horizon_days=7)


def book_the_day(runtime: Runtime, service_id: int, midnight: datetime, visitors: Sequence[Visitor]
                 ) -> dict[int, str]:
    """Book each visitor's slot (the clock at the night before); their booking links, by index in `visitors`."""
    tokens = {}
    for index, visitor in enumerate(visitors):
        if visitor.slot is None:
            continue
        starts_at = midnight + timedelta(seconds=visitor.slot)
        view = booking.book(runtime.uow(), service_id=service_id, starts_at=starts_at,
                            booker=Booker(name=f"Visitor {index}", email=None), origin="staff")
        tokens[index] = view.manage_token
    return tokens


def window_closed_after(slot_seconds: float) -> float:
    """Seconds after midnight when a booking of this slot not checked in becomes a no-show."""
    return slot_seconds + (CHECK_IN_LATE_MINUTES + 1) * 60


def _hhmm(hour: float) -> str:
    return f"{int(hour):02d}:{round(hour % 1 * 60):02d}"
