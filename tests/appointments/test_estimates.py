"""Wait estimates account for appointments: checked-in ones are called at their slot, bookings still to come
join the replays when they arrive, and a counter calls at most two appointments in a row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.appointments.support import booker, local, make_bookable_office
from tests.factories import issue
from waitwell.domain.calling import strategy_named
from waitwell.domain.clock import VirtualClock
from waitwell.estimates.estimator import estimate_waits
from waitwell.estimates.rollforward import roll_forward
from waitwell.estimates.snapshot import CounterSnapshot, OfficeSnapshot, ServiceHistory, WaitingTicket
from waitwell.runtime import Runtime
from waitwell.services.appointments import booking
from waitwell.services.estimates import estimate_office, office_snapshot

NOW = datetime(2026, 3, 10, 15, 55, tzinfo=UTC)
TEN_MINUTES = ServiceHistory(service_seconds={1: (600.0,) * 30}, no_show_rate=0.0)
STRATEGY = strategy_named("appointments-on-time")


def snapshot(waiting: list[WaitingTicket], expected: list[WaitingTicket] = ()) -> OfficeSnapshot:
    return OfficeSnapshot(now=NOW, counters=[CounterSnapshot(id=1, service_ids=frozenset({1}), state="open")],
                          waiting=waiting, history=TEN_MINUTES, calling_strategy=STRATEGY.name,
                          expected=list(expected))


def walk_in(ticket_id: int, waited_minutes: float) -> WaitingTicket:
    return WaitingTicket(ticket_id, 1, NOW - timedelta(minutes=waited_minutes))


def booked(ticket_id: int, slot_in_minutes: float, *, checked_in: bool) -> WaitingTicket:
    slot = NOW + timedelta(minutes=slot_in_minutes)
    arrival = NOW - timedelta(minutes=1) if checked_in else slot
    return WaitingTicket(ticket_id, 1, arrival, is_appointment=True, appointment_at=slot)


def call_minutes(shot: OfficeSnapshot) -> dict[int, float]:
    rolled = roll_forward(shot, STRATEGY, replays=1)
    return {ticket_id: round(seconds[0] / 60) for ticket_id, seconds in rolled.items()}


def test_bookings_still_to_come_are_called_at_their_slot_ahead_of_a_walk_in() -> None:
    waiting = [walk_in(1, 10), walk_in(2, 5)]
    assert call_minutes(snapshot(waiting)) == {1: 0, 2: 10}
    coming = [booked(-7, 5, checked_in=False), booked(-8, 5, checked_in=False)]
    # 0: walk-in 1 (nobody booked is here yet); 10 and 20: the two bookings (due since 5); 30: walk-in 2.
    assert call_minutes(snapshot(waiting, coming)) == {1: 0, 2: 30}


def test_a_counter_waits_for_a_booking_when_nobody_else_is_there() -> None:
    only = [booked(-7, 20, checked_in=False)]
    late_walk_in = [walk_in(1, 0)]
    assert call_minutes(snapshot(late_walk_in, only)) == {1: 0}
    assert call_minutes(snapshot([], only)) == {}  # no estimate is made for a booking itself


def test_two_appointments_in_a_row_then_a_walk_in_in_the_replays() -> None:
    waiting = [walk_in(1, 2)] + [booked(10 + i, -1, checked_in=True) for i in range(3)]
    assert call_minutes(snapshot(waiting)) == {10: 0, 11: 10, 1: 20, 12: 30}


def test_the_office_estimate_counts_todays_bookings_not_yet_checked_in(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_bookable_office(runtime, capacity=3)
    slot = local("2026-03-10", "11:00")
    for name in ("Ana", "Bo"):
        booking.book(runtime.uow(), service_id=office.service_id, starts_at=slot, booker=booker(name))
    clock.set(slot - timedelta(minutes=5))
    walk_ins = issue(runtime, office.service_id, 2, minutes_apart=1)
    shot = office_snapshot(runtime.uow(), office.office_id)
    assert sorted(t.appointment_at for t in shot.expected) == [slot, slot]
    assert {t.ticket_id for t in shot.waiting} == {w.id for w in walk_ins}
    with_bookings = estimate_office(runtime.uow(), office.office_id)
    without = estimate_waits(OfficeSnapshot(**{**shot.__dict__, "expected": []}))
    second = walk_ins[1].id
    assert with_bookings[second].expected_minutes > without[second].expected_minutes
    assert set(with_bookings) == {w.id for w in walk_ins}
