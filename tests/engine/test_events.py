"""Domain events: one per operation, with the right fields, published only after the change is committed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

from tests.engine.conftest import World
from tests.engine.support import EventRecorder, database_snapshot, ticket_in_state
from tests.factories import issue
from waitwell.domain import events
from waitwell.domain.states import TicketState
from waitwell.runtime import Runtime
from waitwell.services import counters, queries, tickets


def ticket_fields(world: World, ticket: Any, service: str = "A") -> dict[str, Any]:
    return {"office_id": world.office.office_id, "occurred_at": world.runtime.clock.now(), "ticket_id": ticket.id,
            "number": ticket.number, "token": ticket.token, "service_id": world.office.services[service]}


def issuing(w: World) -> tuple[Callable[[], Any], Callable[[Any], events.Event]]:
    return (lambda: tickets.issue_ticket(w.runtime.uow(), service_id=w.office.services["A"], origin="kiosk"),
            lambda t: events.TicketIssued(**ticket_fields(w, t), origin="kiosk"))


def calling_next(w: World):
    issue(w.runtime, w.office.services["A"])
    counter_id = w.office.counters["Counter 1"]
    return (lambda: counters.call_next(w.runtime.uow(), counter_id=counter_id),
            lambda t: events.TicketCalled(**ticket_fields(w, t), counter_id=counter_id, counter_name="Counter 1",
                                          call_count=1))


def calling_out_of_turn(w: World):
    ticket = issue(w.runtime, w.office.services["B"])[0]
    counter_id = w.office.counters["Counter 2"]
    return (lambda: counters.call_ticket(w.runtime.uow(), counter_id=counter_id, ticket_id=ticket.id, reason="x"),
            lambda t: events.TicketCalled(**ticket_fields(w, t, "B"), counter_id=counter_id,
                                          counter_name="Counter 2", call_count=1))


def on_ticket_in(state: str, operation: Callable[..., Any], expected: Callable[[World, Any], events.Event]):
    def arrange(w: World):
        ticket = ticket_in_state(w.runtime, w.office, state)
        return (lambda: operation(w.runtime.uow(), ticket_id=ticket.id), lambda t: expected(w, t))

    return arrange


def transferring(w: World):
    ticket = ticket_in_state(w.runtime, w.office, "serving")
    return (lambda: counters.transfer(w.runtime.uow(), ticket_id=ticket.id, to_service_id=w.office.services["B"]),
            lambda t: events.TicketTransferred(**ticket_fields(w, t, "B"), from_service_id=w.office.services["A"],
                                               counter_id=w.office.counters["Counter 1"]))


def cancelling(w: World):
    ticket = issue(w.runtime, w.office.services["A"])[0]
    return (lambda: tickets.cancel_ticket(w.runtime.uow(), token=ticket.token),
            lambda t: events.TicketCancelled(**ticket_fields(w, t), by="citizen"))


def counter_change(operation: Callable[..., Any], counter: str, event: type[events.CounterChange]):
    def arrange(w: World):
        counter_id = w.office.counters[counter]
        return (lambda: operation(w.runtime.uow(), counter_id=counter_id),
                lambda _: event(office_id=w.office.office_id, occurred_at=w.runtime.clock.now(),
                                counter_id=counter_id, counter_name=counter))

    return arrange


def at_counter_1(w: World) -> dict[str, Any]:
    return {"counter_id": w.office.counters["Counter 1"]}


OPERATIONS = {
    "issue": issuing,
    "call next": calling_next,
    "call out of turn": calling_out_of_turn,
    "recall": on_ticket_in("called", counters.recall, lambda w, t: events.TicketRecalled(
        **ticket_fields(w, t), counter_name="Counter 1", call_count=2, **at_counter_1(w))),
    "start": on_ticket_in("called", counters.start_service, lambda w, t: events.ServiceStarted(
        **ticket_fields(w, t), **at_counter_1(w))),
    "complete a called ticket": on_ticket_in("called", counters.complete, lambda w, t: events.TicketCompleted(
        **ticket_fields(w, t), **at_counter_1(w))),
    "complete a ticket being served": on_ticket_in("serving", counters.complete, lambda w, t: events.TicketCompleted(
        **ticket_fields(w, t), **at_counter_1(w))),
    "no-show": on_ticket_in("called", counters.mark_no_show, lambda w, t: events.TicketMarkedNoShow(
        **ticket_fields(w, t), **at_counter_1(w))),
    "transfer": transferring,
    "cancel": cancelling,
    "open": counter_change(counters.open_counter, "Counter 3", events.CounterOpened),
    "pause": counter_change(counters.pause_counter, "Counter 1", events.CounterPaused),
    "close": counter_change(counters.close_counter, "Counter 2", events.CounterClosed),
}


@pytest.mark.parametrize("name", list(OPERATIONS), ids=[n.replace(" ", "-") for n in OPERATIONS])
def test_each_operation_publishes_exactly_its_event_with_the_right_fields(any_world: World, name: str) -> None:
    operation, expected = OPERATIONS[name](any_world)
    any_world.runtime.clock.advance(minutes=3)
    heard = EventRecorder(any_world.runtime)
    result = operation()
    assert heard.events == [expected(result)]


def test_events_are_published_after_the_change_is_committed(any_world: World) -> None:
    """A subscriber reading the database with its own connection already sees the change."""
    rt, office = any_world.runtime, any_world.office
    ticket = issue(rt, office.services["A"])[0]
    seen: list[TicketState] = []
    rt.bus.subscribe(events.TicketCalled,
                     lambda event: seen.append(queries.ticket_view(rt.uow(read_only=True),
                                                                   ticket_id=event.ticket_id).state))
    counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"])
    assert seen == [TicketState.CALLED]
    assert ticket.state == TicketState.WAITING


def test_subscribers_hear_only_the_event_types_they_asked_for(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    ticket_changes: list[events.Event] = []
    counter_changes: list[events.Event] = []
    rt.bus.subscribe(events.TicketChange, ticket_changes.append)
    rt.bus.subscribe(events.CounterChange, counter_changes.append)
    issue(rt, office.services["A"])
    counters.pause_counter(rt.uow(), counter_id=office.counters["Counter 2"])
    assert [type(e) for e in ticket_changes] == [events.TicketIssued]
    assert [type(e) for e in counter_changes] == [events.CounterPaused]


def test_a_unit_of_work_left_without_commit_publishes_nothing(any_world: World) -> None:
    rt = any_world.runtime
    heard = EventRecorder(rt)
    before = database_snapshot(rt)
    with pytest.raises(RuntimeError), rt.uow() as uow:
        uow.session.execute(text("UPDATE counters SET name = name || ' (renamed)'"))
        uow.record(events.CounterOpened(office_id=1, occurred_at=rt.clock.now(), counter_id=1, counter_name="x"))
        raise RuntimeError("the operation failed half-way")
    with rt.uow() as uow:
        uow.record(events.CounterOpened(office_id=1, occurred_at=rt.clock.now(), counter_id=1, counter_name="x"))
    assert heard.events == []
    assert database_snapshot(rt) == before


def refuse_completions(runtime: Runtime) -> None:
    """Make the database itself reject the 'completed' history row, as a failing disk or constraint would."""
    with runtime.engine.begin() as connection:
        if runtime.engine.dialect.name == "sqlite":
            connection.execute(text(
                "CREATE TRIGGER refuse_completion BEFORE INSERT ON ticket_events WHEN NEW.kind = 'completed' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
        else:
            connection.execute(text(
                "CREATE FUNCTION refuse_completion() RETURNS trigger AS $$ BEGIN "
                "IF NEW.kind = 'completed' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END; "
                "$$ LANGUAGE plpgsql"))
            connection.execute(text(
                "CREATE TRIGGER refuse_completion BEFORE INSERT ON ticket_events "
                "FOR EACH ROW EXECUTE FUNCTION refuse_completion()"))


def drop_refusal(runtime: Runtime) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER refuse_completion" + (
            "" if runtime.engine.dialect.name == "sqlite" else " ON ticket_events")))
        if runtime.engine.dialect.name != "sqlite":
            connection.execute(text("DROP FUNCTION refuse_completion()"))


def test_a_change_the_database_rolls_back_publishes_nothing(any_world: World) -> None:
    rt = any_world.runtime
    ticket = ticket_in_state(rt, any_world.office, "called")
    refuse_completions(rt)
    try:
        before = database_snapshot(rt)
        heard = EventRecorder(rt)
        with pytest.raises(Exception, match="refused by the test"):
            counters.complete(rt.uow(), ticket_id=ticket.id)
        assert heard.events == []
        assert database_snapshot(rt) == before
    finally:
        drop_refusal(rt)
    assert counters.complete(rt.uow(), ticket_id=ticket.id).state == TicketState.DONE


def test_a_failing_subscriber_neither_undoes_the_change_nor_silences_the_others(
    any_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    rt, office = any_world.runtime, any_world.office

    def broken_printer(event: events.Event) -> None:
        raise OSError("printer on fire")

    rt.bus.subscribe(events.TicketIssued, broken_printer)
    heard = EventRecorder(rt)
    with caplog.at_level(logging.ERROR, logger="waitwell.services.event_bus"):
        ticket = tickets.issue_ticket(rt.uow(), service_id=office.services["A"])
    assert heard.kinds() == ["TicketIssued"]
    assert queries.ticket_view(rt.uow(read_only=True), ticket_id=ticket.id).state == TicketState.WAITING
    assert "printer on fire" in caplog.text


def test_an_unsubscribed_handler_hears_nothing_more(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    heard: list[events.Event] = []
    rt.bus.subscribe(events.Event, heard.append)
    issue(rt, office.services["A"])
    rt.bus.unsubscribe(heard.append)
    issue(rt, office.services["A"])
    assert len(heard) == 1
