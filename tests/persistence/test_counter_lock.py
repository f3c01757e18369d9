"""Clerks pressing "call next" at the same counter at the same moment: one call, never two tickets at once."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from tests.factories import make_office
from tests.persistence.test_concurrency import run_together
from waitwell.domain.clock import VirtualClock
from waitwell.domain.errors import IllegalTransition
from waitwell.domain.states import TicketState
from waitwell.persistence import Ticket
from waitwell.runtime import Runtime
from waitwell.services import counters, tickets

CLERKS = 8


def test_clerks_sharing_one_counter_never_call_two_tickets_at_once(any_runtime: Runtime) -> None:
    office = make_office(any_runtime, counters={"Counter 1": ["A"]})
    for _ in range(CLERKS):
        tickets.issue_ticket(any_runtime.uow(), service_id=office.services["A"])

    def press_call_next() -> str:
        try:
            return counters.call_next(any_runtime.uow(), counter_id=office.counters["Counter 1"]).number
        except IllegalTransition as refused:
            assert "Counter 1 still has ticket" in refused.message
            return "refused"

    outcomes = Counter(run_together([press_call_next] * CLERKS))
    assert outcomes == {"A001": 1, "refused": CLERKS - 1}
    with any_runtime.uow(read_only=True) as uow:
        assert uow.session.scalar(select(func.count()).where(Ticket.state == TicketState.CALLED)) == 1


@pytest.mark.postgres
def test_call_next_passes_over_tickets_another_counter_is_taking(postgres_url: str, clock: VirtualClock) -> None:
    """Tickets row-locked by other transactions (more than one lock batch of them) are skipped, never waited for."""
    runtime = Runtime(postgres_url, clock=clock)
    try:
        office = make_office(runtime, counters={"Counter 1": ["A"]})
        issued = [tickets.issue_ticket(runtime.uow(), service_id=office.services["A"]) for _ in range(45)]
        taken = [t.id for t in issued[:40]]
        with runtime.engine.connect() as other_counter:
            other_counter.execute(select(Ticket.id).where(Ticket.id.in_(taken)).with_for_update())
            called = counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"])
            assert called.number == "A041"
            other_counter.rollback()
        counters.complete(runtime.uow(), ticket_id=called.id)
        assert counters.call_next(runtime.uow(), counter_id=office.counters["Counter 1"]).number == "A001"
    finally:
        runtime.dispose()
