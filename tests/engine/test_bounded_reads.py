"""A call and one ticket's place in line read a bounded part of the line, and agree with ranking all of it."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.factories import make_office
from waitwell.domain.calling import CallContext, strategy_named
from waitwell.persistence import Ticket
from waitwell.runtime import Runtime
from waitwell.services import counters, tickets
from waitwell.services.lookups import (
    LINE_FRONT,
    calling_candidates,
    people_ahead_by_ticket,
    people_ahead_of_ticket,
    waiting_candidates,
)

SERVICES = [("Licence renewal", "A"), ("Title", "B"), ("Road test", "C"), ("Plates", "D"), ("Permits", "E")]
COUNTERS = {"Counter 1": ["A", "B"], "Counter 2": ["B", "C", "D"], "Counter 3": ["E"], "Counter 4": ["A", "D"]}


def _busy_office(runtime: Runtime, seed: int, waiting: int) -> tuple[int, dict[str, int], dict[str, int]]:
    """A line with unequal weights, equal issue times (ties), and a few tickets not waiting yet (a booking
    checked in before its slot has its wait start at the slot)."""
    rng = random.Random(seed)
    office = make_office(runtime, services=SERVICES, counters=COUNTERS,
                         weights={"A": 1.0, "B": 2.0, "C": 1.0, "D": 1.5, "E": 1.0})
    prefixes = list(office.services)
    issued = []
    for _ in range(waiting):
        if rng.random() < 0.7:
            runtime.clock.advance(seconds=rng.choice([0, 0, 1, 7, 30]))  # type: ignore[attr-defined]
        issued.append(tickets.issue_ticket(runtime.uow(), service_id=office.services[rng.choice(prefixes)]))
    later = rng.sample(issued, k=max(1, waiting // 20))
    with runtime.uow() as uow:
        for ticket in later:
            uow.session.execute(update(Ticket).where(Ticket.id == ticket.id).values(
                waiting_since=runtime.clock.now() + timedelta(minutes=rng.randint(1, 20))))
        uow.commit()
    return office.office_id, office.services, office.counters


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_tickets_people_ahead_is_what_ranking_the_whole_office_says(runtime: Runtime, seed: int) -> None:
    office_id, _, _ = _busy_office(runtime, seed, waiting=150)
    runtime.clock.advance(minutes=3)  # type: ignore[attr-defined]
    with runtime.uow(read_only=True) as uow:
        waiting = uow.session.scalars(select(Ticket).where(Ticket.office_id == office_id,
                                                           Ticket.state == "waiting")).all()
        now = runtime.clock.now()
        everyone = people_ahead_by_ticket(uow.session, waiting[0].office, now)
        one_by_one = {ticket.id: people_ahead_of_ticket(uow.session, ticket, now) for ticket in waiting}
    assert one_by_one == everyone
    assert len(set(everyone.values())) > 20  # a real spread of places, not all zeros


@pytest.mark.parametrize("seed", [4, 5])
def test_a_call_takes_the_ticket_ranking_the_whole_line_puts_first(runtime: Runtime, seed: int) -> None:
    office_id, _, counter_ids = _busy_office(runtime, seed, waiting=200)
    runtime.clock.advance(minutes=2)  # type: ignore[attr-defined]
    rng = random.Random(seed)
    for _ in range(60):
        counter_name = rng.choice(list(counter_ids))
        with runtime.uow(read_only=True) as uow:
            counter = next(c for c in uow.session.get(Ticket, 1).office.counters if c.name == counter_name)
            strategy = strategy_named("weighted-longest-wait")
            context = CallContext(counter_id=counter.id, now=runtime.clock.now())
            expected = strategy.rank(waiting_candidates(uow.session, office_id, counter.service_ids), context)
        assert expected, "the test keeps every line long enough to call from"
        called = counters.call_next(runtime.uow(), counter_id=counter_ids[counter_name])
        assert called.id == expected[0].ticket_id
        counters.complete(runtime.uow(), ticket_id=called.id)
        runtime.clock.advance(seconds=5)  # type: ignore[attr-defined]


def test_a_call_reads_the_front_of_each_line_however_long_the_line(runtime: Runtime) -> None:
    office_id, services, _ = _busy_office(runtime, seed=6, waiting=600)
    strategy = strategy_named("weighted-longest-wait")
    with runtime.uow(read_only=True) as uow:
        fronts = calling_candidates(uow.session, office_id, services.values(), strategy, runtime.clock.now())
        everyone = waiting_candidates(uow.session, office_id)
    assert len(everyone) == 600
    assert len(fronts) <= LINE_FRONT * len(services)
    assert {candidate.service_id for candidate in fronts} == set(services.values())
