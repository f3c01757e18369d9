"""Calling tickets to counters: who is next, out-of-turn calls and the pluggable strategy."""

from __future__ import annotations

from collections.abc import Sequence

from tests.engine.conftest import World
from tests.engine.support import history_of, ticket_row
from tests.factories import issue, make_office, make_staff
from waitwell.domain.calling import CallContext, Candidate
from waitwell.domain.states import CounterState, TicketState
from waitwell.services import counters, queries


def test_calls_oldest_waiting_ticket_first(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    first, second = issue(rt, office.services["A"], 2, minutes_apart=1)
    called = counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"])
    assert called.number == first.number == "A001"
    assert second.people_ahead == 1


def test_calls_oldest_ticket_across_all_services_of_the_counter(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    issue(rt, office.services["B"])
    rt.clock.advance(minutes=1)
    issue(rt, office.services["A"])
    calls = []
    for _ in range(2):
        ticket = counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"])
        counters.complete(rt.uow(), ticket_id=ticket.id)
        calls.append(ticket.number)
    assert calls == ["B001", "A001"]


def test_counter_calls_only_tickets_of_the_services_it_serves(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    issue(rt, office.services["A"])  # older, but Counter 2 does not serve A
    rt.clock.advance(minutes=5)
    issue(rt, office.services["B"])
    assert counters.call_next(rt.uow(), counter_id=office.counters["Counter 2"]).number == "B001"


def test_two_counters_never_call_the_same_ticket(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    issue(rt, office.services["B"], 2, minutes_apart=1)
    one = counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"])
    two = counters.call_next(rt.uow(), counter_id=office.counters["Counter 2"])
    assert (one.number, two.number) == ("B001", "B002")


def test_calling_records_counter_clerk_times_and_call_count(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    clerk = make_staff(rt, [office.office_id])
    ticket = issue(rt, office.services["A"])[0]
    rt.clock.advance(minutes=7)
    called = counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"], user_id=clerk.id)

    stored = ticket_row(rt, ticket.id)
    assert called.state == TicketState.CALLED == stored.state
    assert called.counter_name == "Counter 1" and stored.counter_id == office.counters["Counter 1"]
    assert stored.served_by_id == clerk.id
    assert stored.called_at == stored.first_called_at == rt.clock.now()
    assert stored.call_count == 1
    assert history_of(rt, ticket.id)[-1] == {
        "kind": "called", "occurred_at": rt.clock.now(), "service_id": office.services["A"],
        "counter_id": office.counters["Counter 1"], "user_id": clerk.id, "detail": {},
    }


def test_counter_shows_the_ticket_it_has_called(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    issue(rt, office.services["A"])
    counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"])
    view = queries.counter_view(rt.uow(read_only=True), counter_id=office.counters["Counter 1"])
    assert view.state == CounterState.OPEN
    assert view.current_ticket is not None and view.current_ticket.number == "A001"


def test_calls_a_given_ticket_out_of_turn_and_keeps_the_reason_in_history(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    *_, third = issue(rt, office.services["A"], 3, minutes_apart=1)
    called = counters.call_ticket(rt.uow(), counter_id=office.counters["Counter 1"], ticket_id=third.id,
                                  reason="wheelchair user, cannot wait standing")
    assert called.number == "A003" and called.state == TicketState.CALLED
    assert history_of(rt, third.id)[-1]["detail"] == {
        "out_of_turn": True, "reason": "wheelchair user, cannot wait standing",
    }
    # The others keep their order.
    counters.complete(rt.uow(), ticket_id=third.id)
    assert counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"]).number == "A001"


def test_priority_weight_moves_a_line_ahead_without_starving_the_others(runtime) -> None:
    office = make_office(runtime, services=(("Licence renewal", "A"), ("Seniors", "S")), weights={"S": 2.0},
                         counters={"Counter 1": ["A", "S"]})
    counter = office.counters["Counter 1"]
    issue(runtime, office.services["A"])  # waits 15 minutes
    runtime.clock.advance(minutes=5)
    issue(runtime, office.services["S"])  # waits 10 minutes, which count as 20
    runtime.clock.advance(minutes=10)
    senior = counters.call_next(runtime.uow(), counter_id=counter)
    assert senior.number == "S001"

    counters.complete(runtime.uow(), ticket_id=senior.id)
    runtime.clock.advance(minutes=1)
    issue(runtime, office.services["S"])  # just arrived: A001 has waited 16 minutes, far more than 0 x 2
    assert counters.call_next(runtime.uow(), counter_id=counter).number == "A001"


class NewestFirst:
    """A strategy an office could plug in: the most recent ticket first."""

    name = "newest-first"

    def rank(self, candidates: Sequence[Candidate], context: CallContext) -> list[Candidate]:
        return sorted(candidates, key=lambda c: c.waiting_since, reverse=True)


def test_calling_strategy_is_pluggable(runtime) -> None:
    office = make_office(runtime)
    issue(runtime, office.services["A"], 3, minutes_apart=1)
    called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"], strategy=NewestFirst())
    assert called.number == "A003"
