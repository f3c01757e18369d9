"""Opening, pausing and closing counters."""

from __future__ import annotations

from tests.engine.conftest import World
from tests.engine.support import EventRecorder
from tests.factories import issue
from waitwell.domain.events import CounterClosed, CounterOpened, CounterPaused
from waitwell.domain.states import CounterState, TicketState
from waitwell.services import counters, queries


def state_of(world: World, counter: str) -> CounterState:
    return queries.counter_view(world.runtime.uow(read_only=True), counter_id=world.office.counters[counter]).state


def test_opening_a_closed_counter_lets_it_call(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    issue(rt, office.services["A"])
    opened = counters.open_counter(rt.uow(), counter_id=office.counters["Counter 3"])
    assert opened.state == CounterState.OPEN == state_of(any_world, "Counter 3")
    assert counters.call_next(rt.uow(), counter_id=office.counters["Counter 3"]).number == "A001"


def test_opening_a_paused_counter_resumes_calling(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    issue(rt, office.services["A"])
    counters.open_counter(rt.uow(), counter_id=office.counters["Counter 4"])
    assert counters.call_next(rt.uow(), counter_id=office.counters["Counter 4"]).number == "A001"


def test_pausing_keeps_the_current_ticket_but_calls_nobody_new(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    ticket = issue(rt, office.services["A"])[0]
    counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"])
    paused = counters.pause_counter(rt.uow(), counter_id=office.counters["Counter 1"])
    assert paused.state == CounterState.PAUSED
    assert paused.current_ticket is not None and paused.current_ticket.number == "A001"
    # The ticket can still be served to the end at the paused counter.
    counters.start_service(rt.uow(), ticket_id=ticket.id)
    assert counters.complete(rt.uow(), ticket_id=ticket.id).state == TicketState.DONE


def test_closing_an_idle_counter(any_world: World) -> None:
    closed = counters.close_counter(any_world.runtime.uow(), counter_id=any_world.office.counters["Counter 2"])
    assert closed.state == CounterState.CLOSED == state_of(any_world, "Counter 2")


def test_a_counter_can_close_once_its_ticket_is_finished(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    ticket = issue(rt, office.services["A"])[0]
    counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"])
    counters.transfer(rt.uow(), ticket_id=ticket.id, to_service_id=office.services["B"])
    assert counters.close_counter(rt.uow(), counter_id=office.counters["Counter 1"]).state == CounterState.CLOSED


def test_setting_the_state_a_counter_already_has_changes_and_publishes_nothing(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    heard = EventRecorder(rt)
    assert counters.open_counter(rt.uow(), counter_id=office.counters["Counter 1"]).state == CounterState.OPEN
    assert counters.close_counter(rt.uow(), counter_id=office.counters["Counter 3"]).state == CounterState.CLOSED
    assert counters.pause_counter(rt.uow(), counter_id=office.counters["Counter 4"]).state == CounterState.PAUSED
    assert heard.events == []


def test_each_state_change_is_announced(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    heard = EventRecorder(rt)
    counter_id = office.counters["Counter 2"]
    counters.pause_counter(rt.uow(), counter_id=counter_id)
    counters.open_counter(rt.uow(), counter_id=counter_id)
    counters.close_counter(rt.uow(), counter_id=counter_id)
    common = {"office_id": office.office_id, "occurred_at": rt.clock.now(), "counter_id": counter_id,
              "counter_name": "Counter 2"}
    assert heard.events == [CounterPaused(**common), CounterOpened(**common), CounterClosed(**common)]
