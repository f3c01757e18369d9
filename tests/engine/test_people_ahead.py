"""People ahead of a waiting ticket in a real office whose counters serve overlapping services."""

from __future__ import annotations

import random

import pytest

from tests.factories import OfficeSetup, issue, make_office
from waitwell.runtime import Runtime
from waitwell.services import counters, queries, tickets

SERVICES = (("Licence renewal", "A"), ("Title", "B"), ("Road test", "C"))
# Counter 1 serves A and B, Counter 2 serves B only, Counter 3 serves C only.
SKILLS = {"Counter 1": ["A", "B"], "Counter 2": ["B"], "Counter 3": ["C"]}


def ahead_by_number(runtime: Runtime, office: OfficeSetup) -> dict[str, int | None]:
    waiting = queries.tickets_of(runtime.uow(read_only=True), office_id=office.office_id)
    return {t.number: t.people_ahead for t in waiting}


@pytest.fixture
def busy_office(any_runtime: Runtime) -> OfficeSetup:
    """A001, B001, C001, A002, B002 arrive a minute apart."""
    office = make_office(any_runtime, services=SERVICES, counters=SKILLS)
    for prefix in "ABCAB":
        issue(any_runtime, office.services[prefix])
        any_runtime.clock.advance(minutes=1)
    return office


def test_tickets_of_lines_sharing_a_counter_are_ahead_of_each_other(any_runtime: Runtime, busy_office) -> None:
    assert ahead_by_number(any_runtime, busy_office) == {"A001": 0, "B001": 1, "C001": 0, "A002": 2, "B002": 3}


def test_waiting_tickets_are_listed_in_calling_order(any_runtime: Runtime, busy_office) -> None:
    listed = queries.tickets_of(any_runtime.uow(read_only=True), office_id=busy_office.office_id)
    assert [t.number for t in listed] == ["A001", "C001", "B001", "A002", "B002"]


def test_people_ahead_drops_as_tickets_are_called_or_cancelled(any_runtime: Runtime, busy_office) -> None:
    counters.call_next(any_runtime.uow(), counter_id=busy_office.counters["Counter 1"])  # A001
    assert ahead_by_number(any_runtime, busy_office) == {"B001": 0, "C001": 0, "A002": 1, "B002": 2}
    b001 = next(t for t in queries.tickets_of(any_runtime.uow(read_only=True), office_id=busy_office.office_id)
                if t.number == "B001")
    tickets.cancel_ticket(any_runtime.uow(), token=b001.token)
    assert ahead_by_number(any_runtime, busy_office) == {"C001": 0, "A002": 0, "B002": 1}


def test_a_closed_counter_no_longer_links_the_lines_it_served(any_runtime: Runtime, busy_office) -> None:
    counters.close_counter(any_runtime.uow(), counter_id=busy_office.counters["Counter 1"])
    # Only Counter 2 (B) and Counter 3 (C) are staffed: A and B no longer compete.
    assert ahead_by_number(any_runtime, busy_office) == {"A001": 0, "B001": 0, "C001": 0, "A002": 1, "B002": 1}


def test_a_paused_counter_still_counts_as_staffed(any_runtime: Runtime, busy_office) -> None:
    counters.pause_counter(any_runtime.uow(), counter_id=busy_office.counters["Counter 1"])
    assert ahead_by_number(any_runtime, busy_office) == {"A001": 0, "B001": 1, "C001": 0, "A002": 2, "B002": 3}


def test_with_every_counter_closed_people_ahead_follow_the_usual_skills(any_runtime: Runtime, busy_office) -> None:
    for counter_id in busy_office.counters.values():
        counters.close_counter(any_runtime.uow(), counter_id=counter_id)
    assert ahead_by_number(any_runtime, busy_office) == {"A001": 0, "B001": 1, "C001": 0, "A002": 2, "B002": 3}


def test_a_priority_line_goes_ahead_of_longer_waits_it_outweighs(any_runtime: Runtime) -> None:
    office = make_office(any_runtime, services=(("Licence renewal", "A"), ("Seniors", "S")), weights={"S": 3.0},
                         counters={"Counter 1": ["A", "S"], "Counter 2": ["A"]})
    issue(any_runtime, office.services["A"])  # waits 10 minutes
    any_runtime.clock.advance(minutes=6)
    senior = issue(any_runtime, office.services["S"])[0]  # waits 4 minutes, which count as 12
    any_runtime.clock.advance(minutes=4)
    assert ahead_by_number(any_runtime, office) == {"S001": 0, "A001": 1}
    assert queries.ticket_view(any_runtime.uow(read_only=True), ticket_id=senior.id).people_ahead == 0
    # Counter 2 cannot serve seniors, so it still takes A001.
    assert counters.call_next(any_runtime.uow(), counter_id=office.counters["Counter 2"]).number == "A001"


def test_a_ticket_that_is_not_waiting_has_nobody_ahead(any_runtime: Runtime, busy_office) -> None:
    called = counters.call_next(any_runtime.uow(), counter_id=busy_office.counters["Counter 3"])
    assert queries.ticket_view(any_runtime.uow(read_only=True), ticket_id=called.id).people_ahead is None


@pytest.mark.parametrize("seed", range(6))
def test_a_new_ticket_is_told_the_same_people_ahead_the_full_ranking_gives(any_runtime: Runtime, seed: int) -> None:
    """Issuing counts the competing lines instead of ranking everyone; the two must always agree,
    whatever the weights, the counters open and the order of arrivals."""
    rng = random.Random(seed)
    office = make_office(any_runtime, services=SERVICES, counters=SKILLS,
                         weights={"A": rng.choice([0.5, 1, 3]), "B": 1, "C": rng.choice([1, 2])})
    if rng.random() < 0.5:
        counters.close_counter(any_runtime.uow(), counter_id=office.counters[rng.choice(list(SKILLS))])
    for _ in range(25):
        any_runtime.clock.advance(minutes=rng.choice([0, 0.5, 2]))
        told = tickets.issue_ticket(any_runtime.uow(), service_id=office.services[rng.choice("ABC")])
        assert told.people_ahead == ahead_by_number(any_runtime, office)[told.number], told.number
