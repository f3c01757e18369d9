"""The snapshot read from the database, and the estimates served from it."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import issue, make_office
from waitwell.domain.clock import VirtualClock
from waitwell.estimates.estimator import estimate_waits
from waitwell.runtime import Runtime
from waitwell.services import counters
from waitwell.services.estimates import estimate_office, estimates_for_new_tickets, office_snapshot


def serve(runtime: Runtime, counter_id: int, minutes: float) -> None:
    called = counters.call_next(runtime.uow(), counter_id=counter_id)
    runtime.clock.advance(minutes=minutes)  # type: ignore[attr-defined]
    counters.complete(runtime.uow(), ticket_id=called.id)


def test_snapshot_holds_counters_waiting_tickets_and_history(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_office(runtime)  # Counter 1 serves A and B, Counter 2 serves B
    a, b = office.services["A"], office.services["B"]
    issue(runtime, a, 3, minutes_apart=1)
    serve(runtime, office.counters["Counter 1"], 6)  # A1: waited 2 min, served 6
    counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])  # A2 now at the counter
    clock.advance(minutes=1)
    issue(runtime, b, 1)

    snapshot = office_snapshot(runtime.uow(read_only=True), office.office_id)

    assert snapshot.now == clock.now()
    by_id = {c.id: c for c in snapshot.counters}
    first = by_id[office.counters["Counter 1"]]
    assert first.service_ids == frozenset({a, b}) and first.state == "open"
    assert first.current_service_id == a
    assert (clock.now() - first.current_started_at).total_seconds() == 60
    assert by_id[office.counters["Counter 2"]].current_service_id is None
    assert sorted(t.service_id for t in snapshot.waiting) == sorted([a, b])
    assert snapshot.history.service_seconds[a] == (360.0,)
    assert snapshot.history.recent_waits[a] == (120.0, 420.0)  # A1 then A2, oldest first
    assert snapshot.history.no_show_rate == 0.0


def test_no_show_rate_counts_called_tickets_whose_holder_never_came(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    issue(runtime, office.services["A"], 4)
    counter_id = office.counters["Counter 1"]
    for _ in range(3):
        serve(runtime, counter_id, 5)
    called = counters.call_next(runtime.uow(), counter_id=counter_id)
    clock.advance(minutes=2)
    counters.mark_no_show(runtime.uow(), ticket_id=called.id)

    history = office_snapshot(runtime.uow(read_only=True), office.office_id).history

    assert history.no_show_rate == 0.25
    assert history.no_show_seconds == 120.0


def test_estimates_cover_every_waiting_ticket_and_grow_with_the_line(runtime: Runtime) -> None:
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    issued = issue(runtime, office.services["A"], 4)

    estimates = estimate_office(runtime.uow(read_only=True), office.office_id)
    new = estimates_for_new_tickets(runtime.uow(read_only=True), office.services["A"])[office.services["A"]]

    assert set(estimates) == {t.id for t in issued}
    ordered = [estimates[t.id].expected_minutes for t in issued]
    assert ordered == sorted(ordered) and ordered[0] < ordered[-1]
    assert new.expected_minutes > ordered[-1]
    snapshot = office_snapshot(runtime.uow(read_only=True), office.office_id)
    assert estimate_waits(snapshot) == estimates


def test_breaks_are_learned_from_the_counters_history(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_office(runtime, counters={"Counter 1": ["A"], "Counter 2": ["A"]})
    first, second = office.counters["Counter 1"], office.counters["Counter 2"]
    counters.pause_counter(runtime.uow(), counter_id=first)
    clock.advance(minutes=30)
    counters.open_counter(runtime.uow(), counter_id=first)
    clock.advance(minutes=10)
    counters.pause_counter(runtime.uow(), counter_id=second)
    clock.advance(minutes=4)

    snapshot = office_snapshot(runtime.uow(read_only=True), office.office_id)

    assert snapshot.history.pause_seconds == (1800.0,)
    paused = next(c for c in snapshot.counters if c.id == second)
    assert paused.state == "paused"
    assert (clock.now() - paused.state_since).total_seconds() == 240


def test_each_counter_usually_does_what_it_did_on_the_last_day(runtime: Runtime, clock: VirtualClock) -> None:
    office = make_office(runtime, counters={"Counter 1": ["A"]}, open_counters=False)
    counter_id = office.counters["Counter 1"]
    start = clock.now()  # 10:00 in New York
    counters.open_counter(runtime.uow(), counter_id=counter_id)
    clock.advance(hours=2)
    counters.pause_counter(runtime.uow(), counter_id=counter_id)
    clock.advance(minutes=30)
    counters.open_counter(runtime.uow(), counter_id=counter_id)
    clock.set(start + timedelta(days=1, hours=-1))  # 09:00 the next day, not open yet

    roster = next(c for c in office_snapshot(runtime.uow(read_only=True), office.office_id).counters).usual_changes

    tomorrow = start + timedelta(days=1)
    assert roster == ((tomorrow, "open"), (tomorrow + timedelta(hours=2), "paused"),
                      (tomorrow + timedelta(hours=2, minutes=30), "open"))


def test_a_no_show_costs_the_counter_the_time_from_its_first_call_through_the_recalls(
        runtime: Runtime, clock: VirtualClock) -> None:
    office = make_office(runtime, counters={"Counter 1": ["A"]})
    issue(runtime, office.services["A"], 2)
    counter_id = office.counters["Counter 1"]
    for _ in range(2):
        called = counters.call_next(runtime.uow(), counter_id=counter_id)
        clock.advance(seconds=70)
        counters.recall(runtime.uow(), ticket_id=called.id)  # nobody came: called again
        clock.advance(seconds=50)
        counters.mark_no_show(runtime.uow(), ticket_id=called.id)

    history = office_snapshot(runtime.uow(read_only=True), office.office_id).history

    assert history.no_show_seconds == 120.0  # not the 50 s since the recall
