"""A ticket's life after the call: recall, start, complete, no-show, transfer and cancel."""

from __future__ import annotations

from tests.engine.conftest import World
from tests.engine.support import history_of, ticket_row
from tests.factories import issue, make_staff
from waitwell.domain.states import TicketState
from waitwell.services import counters, queries, tickets


def call_first(world: World, counter: str = "Counter 1", prefix: str = "A"):
    ticket = issue(world.runtime, world.office.services[prefix])[0]
    world.runtime.clock.advance(minutes=4)
    return ticket, counters.call_next(world.runtime.uow(), counter_id=world.office.counters[counter])


def test_recall_calls_the_same_ticket_to_the_same_counter_again(any_world: World) -> None:
    rt = any_world.runtime
    ticket, _ = call_first(any_world)
    first_call = rt.clock.now()
    rt.clock.advance(minutes=2)
    recalled = counters.recall(rt.uow(), ticket_id=ticket.id)

    stored = ticket_row(rt, ticket.id)
    assert recalled.state == TicketState.CALLED and recalled.counter_name == "Counter 1"
    assert (stored.call_count, stored.first_called_at, stored.called_at) == (2, first_call, rt.clock.now())
    assert [h["kind"] for h in history_of(rt, ticket.id)] == ["issued", "called", "recalled"]


def test_start_service_marks_the_citizen_as_arrived(any_world: World) -> None:
    rt = any_world.runtime
    ticket, _ = call_first(any_world)
    rt.clock.advance(minutes=1)
    started = counters.start_service(rt.uow(), ticket_id=ticket.id)
    assert started.state == TicketState.SERVING
    assert ticket_row(rt, ticket.id).started_at == rt.clock.now()


def test_completes_a_ticket_being_served(any_world: World) -> None:
    rt = any_world.runtime
    ticket, _ = call_first(any_world)
    counters.start_service(rt.uow(), ticket_id=ticket.id)
    rt.clock.advance(minutes=6)
    done = counters.complete(rt.uow(), ticket_id=ticket.id)
    assert done.state == TicketState.DONE and done.finished_at == rt.clock.now()
    assert [h["kind"] for h in history_of(rt, ticket.id)] == ["issued", "called", "started", "completed"]


def test_completes_a_called_ticket_without_a_start(any_world: World) -> None:
    rt = any_world.runtime
    ticket, _ = call_first(any_world)
    rt.clock.advance(minutes=3)
    done = counters.complete(rt.uow(), ticket_id=ticket.id)
    stored = ticket_row(rt, ticket.id)
    assert done.state == TicketState.DONE
    assert (stored.started_at, stored.finished_at) == (None, rt.clock.now())


def test_completing_frees_the_counter_for_the_next_call(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    ticket, _ = call_first(any_world)
    issue(rt, office.services["A"])
    counters.complete(rt.uow(), ticket_id=ticket.id)
    assert queries.counter_view(rt.uow(read_only=True), counter_id=office.counters["Counter 1"]).current_ticket is None
    assert counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"]).number == "A002"


def test_no_show_ends_the_ticket_and_frees_the_counter(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    ticket, _ = call_first(any_world)
    issue(rt, office.services["A"])
    rt.clock.advance(minutes=3)
    gone = counters.mark_no_show(rt.uow(), ticket_id=ticket.id)
    assert gone.state == TicketState.NO_SHOW and gone.finished_at == rt.clock.now()
    assert counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"]).number == "A002"


def test_transfer_from_a_counter_starts_the_new_wait_now_and_keeps_number_and_history(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    clerk = make_staff(rt, [office.office_id])
    ticket, _ = call_first(any_world)
    first_called = rt.clock.now()
    counters.start_service(rt.uow(), ticket_id=ticket.id)
    rt.clock.advance(minutes=5)
    moved = counters.transfer(rt.uow(), ticket_id=ticket.id, to_service_id=office.services["B"], user_id=clerk.id)

    stored = ticket_row(rt, ticket.id)
    assert moved.number == "A001" and moved.state == TicketState.WAITING
    assert moved.service_id == office.services["B"] and moved.service_name == "Title"
    assert stored.waiting_since == rt.clock.now() and stored.issued_at < stored.waiting_since
    assert stored.first_called_at == first_called and stored.counter_id is None
    assert stored.token == ticket.token
    assert [h["kind"] for h in history_of(rt, ticket.id)] == ["issued", "called", "started", "transferred"]
    assert history_of(rt, ticket.id)[-1] == {
        "kind": "transferred", "occurred_at": rt.clock.now(), "service_id": office.services["B"],
        "counter_id": office.counters["Counter 1"], "user_id": clerk.id,
        "detail": {"from_service_id": office.services["A"], "to_service_id": office.services["B"]},
    }


def test_transferred_ticket_queues_behind_those_already_waiting_in_its_new_line(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    ticket, _ = call_first(any_world)
    issue(rt, office.services["B"])  # B001 has waited since before the transfer
    rt.clock.advance(minutes=1)
    counters.transfer(rt.uow(), ticket_id=ticket.id, to_service_id=office.services["B"])
    assert queries.ticket_view(rt.uow(read_only=True), ticket_id=ticket.id).people_ahead == 1
    assert counters.call_next(rt.uow(), counter_id=office.counters["Counter 2"]).number == "B001"
    again = counters.call_next(rt.uow(), counter_id=office.counters["Counter 1"])
    assert again.number == "A001" and again.service_name == "Title"
    assert ticket_row(rt, ticket.id).call_count == 2


def test_transfer_of_a_waiting_ticket_keeps_its_place_in_time(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    wrong_line = issue(rt, office.services["A"])[0]
    rt.clock.advance(minutes=10)
    issue(rt, office.services["B"])
    rt.clock.advance(minutes=10)
    moved = counters.transfer(rt.uow(), ticket_id=wrong_line.id, to_service_id=office.services["B"])
    assert moved.waiting_since == wrong_line.waiting_since
    assert queries.ticket_view(rt.uow(read_only=True), ticket_id=wrong_line.id).people_ahead == 0
    assert counters.call_next(rt.uow(), counter_id=office.counters["Counter 2"]).number == "A001"


def test_citizen_cancels_a_waiting_ticket_with_its_token(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    mine, behind = issue(rt, office.services["A"], 2, minutes_apart=1)
    rt.clock.advance(minutes=2)
    cancelled = tickets.cancel_ticket(rt.uow(), token=mine.token)
    assert cancelled.state == TicketState.CANCELLED and cancelled.finished_at == rt.clock.now()
    assert history_of(rt, mine.id)[-1]["detail"] == {"by": "citizen"}
    assert queries.ticket_view(rt.uow(read_only=True), ticket_id=behind.id).people_ahead == 0


def test_citizen_can_cancel_after_being_called_and_the_counter_is_freed(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    ticket, _ = call_first(any_world)
    assert tickets.cancel_ticket(rt.uow(), token=ticket.token).state == TicketState.CANCELLED
    assert queries.counter_view(rt.uow(read_only=True), counter_id=office.counters["Counter 1"]).current_ticket is None


def test_a_multi_step_visit_keeps_its_whole_history(any_world: World) -> None:
    rt, office = any_world.runtime, any_world.office
    ticket, _ = call_first(any_world)
    counters.recall(rt.uow(), ticket_id=ticket.id)
    counters.start_service(rt.uow(), ticket_id=ticket.id)
    counters.transfer(rt.uow(), ticket_id=ticket.id, to_service_id=office.services["B"])
    counters.call_next(rt.uow(), counter_id=office.counters["Counter 2"])
    counters.complete(rt.uow(), ticket_id=ticket.id)
    history = history_of(rt, ticket.id)
    assert [h["kind"] for h in history] == [
        "issued", "called", "recalled", "started", "transferred", "called", "completed",
    ]
    assert [h["counter_id"] for h in history] == [None] + [office.counters["Counter 1"]] * 4 + [
        office.counters["Counter 2"]] * 2
    assert [h["occurred_at"] for h in history] == sorted(h["occurred_at"] for h in history)
