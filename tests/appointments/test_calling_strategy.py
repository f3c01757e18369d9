"""The appointments-on-time calling strategy on plain Candidate objects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from waitwell.domain.appointment_calling import AppointmentsOnTime
from waitwell.domain.calling import STRATEGIES, CallContext, Candidate, WeightedLongestWait, strategy_named

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
STRATEGY = AppointmentsOnTime(walk_ins=WeightedLongestWait(), max_in_a_row=2, walk_in_limit=timedelta(minutes=30))


def walk_in(ticket_id: int, waited_minutes: float, service_id: int = 1) -> Candidate:
    return Candidate(ticket_id=ticket_id, service_id=service_id, waiting_since=NOW - timedelta(minutes=waited_minutes))


def booked(ticket_id: int, slot_in_minutes: float, checked_in_minutes_ago: float = 5, service_id: int = 1) -> Candidate:
    """A checked-in appointment whose slot is `slot_in_minutes` from now (negative: already begun)."""
    return Candidate(ticket_id=ticket_id, service_id=service_id,
                     waiting_since=NOW - timedelta(minutes=checked_in_minutes_ago), is_appointment=True,
                     appointment_at=NOW + timedelta(minutes=slot_in_minutes))


def order(candidates: list[Candidate], recent: tuple[Candidate, ...] = (), now: datetime = NOW) -> list[int]:
    return [c.ticket_id for c in STRATEGY.rank(candidates, CallContext(counter_id=1, now=now, recent_calls=recent))]


def test_it_is_registered_under_its_name() -> None:
    assert isinstance(strategy_named("appointments-on-time"), AppointmentsOnTime)
    assert "weighted-longest-wait" in STRATEGIES


def test_a_due_appointment_goes_ahead_of_walk_ins_who_came_earlier() -> None:
    assert order([walk_in(1, 20), walk_in(2, 10), booked(3, slot_in_minutes=0)]) == [3, 1, 2]


def test_before_its_slot_an_appointment_waits_like_anyone_who_arrived_then() -> None:
    early = booked(3, slot_in_minutes=10, checked_in_minutes_ago=5)
    assert order([walk_in(1, 20), walk_in(2, 1), early]) == [1, 3, 2]


def test_due_appointments_go_by_slot_time() -> None:
    assert order([booked(1, -5, checked_in_minutes_ago=2), booked(2, -15, checked_in_minutes_ago=1)]) == [2, 1]


def test_at_most_two_appointments_in_a_row_while_a_walk_in_waits() -> None:
    candidates = [walk_in(1, 5), booked(2, -1), booked(3, -1)]
    two_appointments = (booked(8, -20), booked(9, -30))
    assert order(candidates, recent=two_appointments)[0] == 1
    assert order(candidates, recent=(booked(8, -20), walk_in(9, 30)))[0] == 2  # only one in a row so far


def test_a_walk_in_waiting_past_the_limit_goes_first() -> None:
    candidates = [walk_in(1, 31), walk_in(2, 40, service_id=2), booked(3, 0)]
    assert order(candidates) == [2, 3, 1]
    assert order(candidates, recent=(booked(9, -20),)) == [2, 3, 1]


def test_with_walk_ins_past_the_limit_appointments_still_get_every_other_call() -> None:
    candidates = [walk_in(1, 50), walk_in(2, 45), booked(3, -10)]
    assert order(candidates, recent=(walk_in(7, 60),))[0] == 3  # the last call bumped a walk-in already


def test_nobody_starves_over_a_long_run_of_calls() -> None:
    """Simulate one counter: 6 due appointments and 6 walk-ins; calls alternate within the limits."""
    waiting = [booked(i, -1) for i in range(1, 7)] + [walk_in(i, 1) for i in range(11, 17)]
    recent: tuple[Candidate, ...] = ()
    called = []
    while waiting:
        first = STRATEGY.rank(waiting, CallContext(counter_id=1, now=NOW, recent_calls=recent))[0]
        called.append("A" if first.is_appointment else "W")
        recent = (first, *recent)[:5]
        waiting = [c for c in waiting if c.ticket_id != first.ticket_id]
    assert "".join(called) == "AAWAAWAAWWWW"


def test_only_appointments_or_only_walk_ins_keep_their_usual_order() -> None:
    assert order([booked(1, -1), booked(2, -3)], recent=(booked(8, -1), booked(9, -1))) == [2, 1]
    assert order([walk_in(1, 3), walk_in(2, 9)]) == [2, 1]
