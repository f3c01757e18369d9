"""Every illegal operation raises a domain error that says what is wrong, and changes nothing at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.engine.conftest import World, build_world
from tests.engine.support import EventRecorder, database_snapshot, ticket_in_state
from tests.factories import issue
from waitwell.domain.clock import VirtualClock
from waitwell.domain.errors import (
    Conflict,
    CounterNotOpen,
    IllegalTransition,
    InvalidInput,
    NotFound,
    NothingToCall,
    OfficeClosed,
    ServiceInactive,
    WaitwellError,
)
from waitwell.runtime import Runtime
from waitwell.services import counters, tickets

Operation = Callable[[], object]


@dataclass(frozen=True)
class Case:
    rule: str
    arrange: Callable[[World], Operation]  # builds the situation, returns the illegal operation
    error: type[WaitwellError]
    message: str  # part of what the person is told


def ticket_operation(name: str, state: str) -> Callable[[World], Operation]:
    """`name` (complete, start, ...) applied to a ticket in `state`."""
    operation = {
        "complete": counters.complete,
        "start": counters.start_service,
        "recall": counters.recall,
        "no_show": counters.mark_no_show,
    }[name]

    def arrange(w: World) -> Operation:
        ticket = ticket_in_state(w.runtime, w.office, state)
        return lambda: operation(w.runtime.uow(), ticket_id=ticket.id)

    return arrange


def cancel_in_state(state: str) -> Callable[[World], Operation]:
    def arrange(w: World) -> Operation:
        ticket = ticket_in_state(w.runtime, w.office, state)
        return lambda: tickets.cancel_ticket(w.runtime.uow(), token=ticket.token)

    return arrange


def transfer_in_state(state: str) -> Callable[[World], Operation]:
    def arrange(w: World) -> Operation:
        ticket = ticket_in_state(w.runtime, w.office, state)
        return lambda: counters.transfer(w.runtime.uow(), ticket_id=ticket.id, to_service_id=w.office.services["B"])

    return arrange


def transfer_to(target: Callable[[World], int]) -> Callable[[World], Operation]:
    def arrange(w: World) -> Operation:
        ticket = issue(w.runtime, w.office.services["A"])[0]
        return lambda: counters.transfer(w.runtime.uow(), ticket_id=ticket.id, to_service_id=target(w))

    return arrange


def call_next_at(counter: str, *, waiting: str = "A") -> Callable[[World], Operation]:
    def arrange(w: World) -> Operation:
        issue(w.runtime, w.office.services[waiting])
        return lambda: counters.call_next(w.runtime.uow(), counter_id=w.office.counters[counter])

    return arrange


def call_ticket_at(counter: str, *, prefix: str = "A") -> Callable[[World], Operation]:
    def arrange(w: World) -> Operation:
        ticket = issue(w.runtime, w.office.services[prefix])[0]
        return lambda: counters.call_ticket(w.runtime.uow(), counter_id=w.office.counters[counter],
                                            ticket_id=ticket.id, reason="wheelchair user")

    return arrange


def while_counter_busy(state: str, operation: str) -> Callable[[World], Operation]:
    """Counter 1 holds a ticket in `state`; then `operation` at Counter 1."""

    def arrange(w: World) -> Operation:
        ticket_in_state(w.runtime, w.office, state)
        waiting = issue(w.runtime, w.office.services["A"])[0]
        counter_id = w.office.counters["Counter 1"]
        if operation == "call_next":
            return lambda: counters.call_next(w.runtime.uow(), counter_id=counter_id)
        if operation == "call_ticket":
            return lambda: counters.call_ticket(w.runtime.uow(), counter_id=counter_id, ticket_id=waiting.id)
        return lambda: counters.close_counter(w.runtime.uow(), counter_id=counter_id)

    return arrange


def call_already_called_ticket(w: World) -> Operation:
    ticket = ticket_in_state(w.runtime, w.office, "called", prefix="B")
    return lambda: counters.call_ticket(w.runtime.uow(), counter_id=w.office.counters["Counter 2"],
                                        ticket_id=ticket.id)


def call_other_offices_ticket(w: World) -> Operation:
    ticket = issue(w.runtime, w.other_office.services["A"])[0]
    return lambda: counters.call_ticket(w.runtime.uow(), counter_id=w.office.counters["Counter 1"],
                                        ticket_id=ticket.id)


def call_unknown_ticket(w: World) -> Operation:
    return lambda: counters.call_ticket(w.runtime.uow(), counter_id=w.office.counters["Counter 1"], ticket_id=4040)


def issue_for(service: Callable[[World], int]) -> Callable[[World], Operation]:
    return lambda w: lambda: tickets.issue_ticket(w.runtime.uow(), service_id=service(w))


def on_unknown_ticket(operation: Callable[..., object]) -> Callable[[World], Operation]:
    return lambda w: lambda: operation(w.runtime.uow(), ticket_id=4040)


def on_unknown_counter(operation: Callable[..., object]) -> Callable[[World], Operation]:
    return lambda w: lambda: operation(w.runtime.uow(), counter_id=4040)


def out_of_range_id(w: World) -> Operation:
    """Ids past the 32-bit column range used to crash PostgreSQL ("integer out of range") and SQLite."""
    return lambda: counters.complete(w.runtime.uow(), ticket_id=2**31)


def cancel_unknown_token(w: World) -> Operation:
    issue(w.runtime, w.office.services["A"])
    return lambda: tickets.cancel_ticket(w.runtime.uow(), token="not-a-real-token")


def cancel_with_a_nul_in_the_token(w: World) -> Operation:
    """PostgreSQL refuses NUL in text outright; such a token used to crash instead of being unknown."""
    ticket = issue(w.runtime, w.office.services["A"])[0]
    return lambda: tickets.cancel_ticket(w.runtime.uow(), token=ticket.token[:10] + "\x00")


CASES = [
    # Ticket operations from the wrong state.
    Case("completing a waiting ticket", ticket_operation("complete", "waiting"), IllegalTransition,
         "ticket A001 is waiting: only a ticket that is called or serving can be completed"),
    Case("completing a done ticket", ticket_operation("complete", "done"), IllegalTransition, "A001 is done"),
    Case("completing a cancelled ticket", ticket_operation("complete", "cancelled"), IllegalTransition,
         "A001 is cancelled"),
    Case("starting a waiting ticket", ticket_operation("start", "waiting"), IllegalTransition,
         "only a ticket that is called can be started"),
    Case("starting a ticket already being served", ticket_operation("start", "serving"), IllegalTransition,
         "A001 is serving"),
    Case("recalling a waiting ticket", ticket_operation("recall", "waiting"), IllegalTransition,
         "only a ticket that is called can be recalled"),
    Case("recalling a ticket being served", ticket_operation("recall", "serving"), IllegalTransition,
         "A001 is serving"),
    Case("recalling a no-show", ticket_operation("recall", "no_show"), IllegalTransition, "A001 is no_show"),
    Case("marking a waiting ticket as a no-show", ticket_operation("no_show", "waiting"), IllegalTransition,
         "can be marked as a no-show"),
    Case("marking a ticket being served as a no-show", ticket_operation("no_show", "serving"), IllegalTransition,
         "A001 is serving"),
    Case("cancelling a done ticket", cancel_in_state("done"), IllegalTransition,
         "only a ticket that is called or waiting can be cancelled"),
    Case("cancelling a ticket being served", cancel_in_state("serving"), IllegalTransition, "A001 is serving"),
    Case("cancelling a no-show", cancel_in_state("no_show"), IllegalTransition, "A001 is no_show"),
    Case("cancelling twice", cancel_in_state("cancelled"), IllegalTransition, "A001 is cancelled"),
    Case("transferring a done ticket", transfer_in_state("done"), IllegalTransition, "can be transferred"),
    Case("transferring a cancelled ticket", transfer_in_state("cancelled"), IllegalTransition, "A001 is cancelled"),
    # Counters that cannot call.
    Case("calling next at a closed counter", call_next_at("Counter 3"), CounterNotOpen,
         "Counter 3 is closed: open it before calling"),
    Case("calling next at a paused counter", call_next_at("Counter 4"), CounterNotOpen,
         "Counter 4 is paused: open it before calling"),
    Case("calling a given ticket at a closed counter", call_ticket_at("Counter 3"), CounterNotOpen,
         "Counter 3 is closed"),
    Case("calling a given ticket at a paused counter", call_ticket_at("Counter 4"), CounterNotOpen,
         "Counter 4 is paused"),
    Case("calling next while the counter's ticket is still called", while_counter_busy("called", "call_next"),
         IllegalTransition, "Counter 1 still has ticket A001 (called)"),
    Case("calling next while the counter is still serving", while_counter_busy("serving", "call_next"),
         IllegalTransition, "Counter 1 still has ticket A001 (serving)"),
    Case("calling a given ticket while the counter still has one", while_counter_busy("called", "call_ticket"),
         IllegalTransition, "Counter 1 still has ticket A001"),
    Case("calling next when nobody waits for the counter's services", call_next_at("Counter 2", waiting="A"),
         NothingToCall, "nobody is waiting for the services of Counter 2"),
    Case("calling a ticket that is already called", call_already_called_ticket, IllegalTransition,
         "ticket B001 is called: only a ticket that is waiting can be called"),
    Case("calling a ticket of a service the counter does not serve", call_ticket_at("Counter 2", prefix="A"),
         InvalidInput, "Counter 2 does not serve Licence renewal, the line of ticket A001"),
    Case("calling a ticket of another office", call_other_offices_ticket, InvalidInput,
         "Counter 1 does not serve Licence renewal"),
    Case("calling an unknown ticket", call_unknown_ticket, InvalidInput, "there is no ticket 4040"),
    # Counter state changes.
    Case("closing a counter whose ticket is still called", while_counter_busy("called", "close"), Conflict,
         "Counter 1 still has ticket A001: finish or transfer it before closing"),
    Case("closing a counter that is still serving", while_counter_busy("serving", "close"), Conflict,
         "Counter 1 still has ticket A001"),
    # Issuing.
    Case("issuing for an inactive service", issue_for(lambda w: w.inactive_service_id), ServiceInactive,
         "Road test is not taking tickets right now"),
    Case("issuing while the office is closed and refuses tickets out of hours",
         issue_for(lambda w: w.closed_office.services["A"]), OfficeClosed,
         "Bridgeport DMV is closed now; tickets are issued during opening hours"),
    Case("issuing for an unknown service", issue_for(lambda w: 4040), NotFound, "there is no service 4040"),
    # Transfers to a line the ticket cannot join.
    Case("transferring to the same service", transfer_to(lambda w: w.office.services["A"]), InvalidInput,
         "ticket A001 is already in the Licence renewal line"),
    Case("transferring to another office's service", transfer_to(lambda w: w.other_office.services["A"]),
         InvalidInput, "Licence renewal is a service of another office"),
    Case("transferring to an inactive service", transfer_to(lambda w: w.inactive_service_id), InvalidInput,
         "Road test is not taking tickets right now"),
    Case("transferring to an unknown service", transfer_to(lambda w: 4040), NotFound, "there is no service 4040"),
    # Unknown things.
    Case("cancelling with an unknown token", cancel_unknown_token, NotFound,
         "this ticket does not exist or has expired"),
    Case("cancelling with a token holding a NUL character", cancel_with_a_nul_in_the_token, NotFound,
         "this ticket does not exist or has expired"),
    Case("completing an unknown ticket", on_unknown_ticket(counters.complete), NotFound, "there is no ticket 4040"),
    Case("recalling an unknown ticket", on_unknown_ticket(counters.recall), NotFound, "there is no ticket 4040"),
    Case("calling next at an unknown counter", on_unknown_counter(counters.call_next), NotFound,
         "there is no counter 4040"),
    Case("opening an unknown counter", on_unknown_counter(counters.open_counter), NotFound,
         "there is no counter 4040"),
    Case("an id beyond the id column's range", out_of_range_id, NotFound, "there is no ticket 2147483648"),
]


# Also run on PostgreSQL: one case per distinct path through the database (row locks on a ticket
# and on a counter, the skip-locked pick, the numbering upsert, lookups by id, range and token).
ON_POSTGRESQL = {
    "completing a waiting ticket", "cancelling a done ticket", "transferring a cancelled ticket",
    "calling next at a paused counter", "calling next while the counter's ticket is still called",
    "calling next when nobody waits for the counter's services", "calling a ticket that is already called",
    "calling an unknown ticket", "closing a counter that is still serving", "issuing for an inactive service",
    "issuing while the office is closed and refuses tickets out of hours", "transferring to another office's service",
    "cancelling with a token holding a NUL character", "an id beyond the id column's range",
}
CASE_PARAMETERS = [
    pytest.param(case, "sqlite", id=f"sqlite-{case.rule}".replace(" ", "-")) for case in CASES
] + [
    pytest.param(case, "postgres", id=f"postgres-{case.rule}".replace(" ", "-"), marks=pytest.mark.postgres)
    for case in CASES if case.rule in ON_POSTGRESQL
]


@pytest.mark.parametrize(("case", "database"), CASE_PARAMETERS)
def test_illegal_operation_raises_a_clear_error_and_changes_nothing(
    request: pytest.FixtureRequest, clock: VirtualClock, case: Case, database: str
) -> None:
    runtime = Runtime(request.getfixturevalue(f"{database}_url"), clock=clock)
    request.addfinalizer(runtime.dispose)
    world = build_world(runtime)
    operation = case.arrange(world)
    before = database_snapshot(runtime)
    heard = EventRecorder(runtime)

    with pytest.raises(WaitwellError) as raised:
        operation()

    assert type(raised.value) is case.error
    assert case.message in raised.value.message
    assert database_snapshot(runtime) == before, "an illegal operation must not change any row"
    assert heard.events == [], "an illegal operation must not publish anything"


def test_the_postgresql_cases_exist() -> None:
    assert {case.rule for case in CASES} >= ON_POSTGRESQL


def test_every_domain_error_maps_to_a_client_error_status() -> None:
    for error in (Conflict, CounterNotOpen, IllegalTransition, InvalidInput, NotFound, NothingToCall,
                  OfficeClosed, ServiceInactive):
        assert 400 <= error.http_status < 500
        assert error.code and error.code != WaitwellError.code
