"""The calling policy and people-ahead rules as plain functions over in-memory candidates (no database)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from waitwell.domain.calling import (
    DEFAULT_STRATEGY,
    CallContext,
    Candidate,
    WeightedLongestWait,
    strategy_named,
)
from waitwell.domain.position import competing_services, people_ahead

NOON = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)
A, B, C = 1, 2, 3
POLICY = WeightedLongestWait()


def waiting(ticket_id: int, service_id: int, minutes_ago: float, weight: float = 1.0) -> Candidate:
    return Candidate(ticket_id=ticket_id, service_id=service_id, waiting_since=NOON - timedelta(minutes=minutes_ago),
                     priority_weight=weight)


def ranked_ids(candidates: list[Candidate]) -> list[int]:
    return [c.ticket_id for c in POLICY.rank(candidates, CallContext(counter_id=1, now=NOON))]


def test_equal_weights_are_first_come_first_served() -> None:
    assert ranked_ids([waiting(3, A, 1), waiting(1, B, 9), waiting(2, A, 5)]) == [1, 2, 3]


def test_a_weight_of_two_makes_each_minute_count_double() -> None:
    assert ranked_ids([waiting(1, A, 15), waiting(2, B, 10, weight=2.0)]) == [2, 1]  # 15 < 20
    assert ranked_ids([waiting(1, A, 25), waiting(2, B, 10, weight=2.0)]) == [1, 2]  # 25 > 20


def test_a_priority_line_never_starves_an_old_ticket() -> None:
    # However heavy the weight, a ticket that just arrived has waited zero minutes.
    assert ranked_ids([waiting(1, A, 3), waiting(2, B, 0, weight=10.0)]) == [1, 2]


def test_ties_go_to_the_earliest_arrival_then_the_lowest_ticket_id() -> None:
    assert ranked_ids([waiting(2, A, 5), waiting(1, B, 5)]) == [1, 2]
    assert ranked_ids([waiting(5, A, 10, weight=2.0), waiting(4, B, 20)]) == [4, 5]  # both score 20


def test_a_ticket_dated_in_the_future_counts_as_not_having_waited() -> None:
    # Both score 0 whatever the weight, so the earlier date goes first.
    assert ranked_ids([waiting(1, A, -5, weight=3.0), waiting(2, A, 0)]) == [2, 1]


def test_strategies_are_found_by_name() -> None:
    assert strategy_named(DEFAULT_STRATEGY).name == "weighted-longest-wait"
    with pytest.raises(ValueError, match="unknown calling strategy 'fastest'; known: weighted-longest-wait"):
        strategy_named("fastest")


def test_competing_services_are_those_sharing_a_counter() -> None:
    skills = [frozenset({A, B}), frozenset({B}), frozenset({C})]
    assert competing_services(A, skills) == {A, B}
    assert competing_services(B, skills) == {A, B}
    assert competing_services(C, skills) == {C}


def test_a_service_no_counter_serves_competes_only_with_itself() -> None:
    assert competing_services(C, [frozenset({A, B})]) == {C}


def test_people_ahead_in_a_single_line_is_the_count_of_earlier_tickets() -> None:
    line = [waiting(i, A, 10 - i) for i in range(1, 5)]
    assert people_ahead(POLICY, line, {1: frozenset({A})}, NOON) == {1: 0, 2: 1, 3: 2, 4: 3}


def test_people_ahead_counts_other_lines_that_share_a_counter() -> None:
    # Counter 1 serves A and B, Counter 2 serves B only, Counter 3 serves C only.
    skills = {1: frozenset({A, B}), 2: frozenset({B}), 3: frozenset({C})}
    line = [waiting(1, A, 30), waiting(2, B, 20), waiting(3, C, 15), waiting(4, A, 10), waiting(5, B, 5)]
    assert people_ahead(POLICY, line, skills, NOON) == {1: 0, 2: 1, 3: 0, 4: 2, 5: 3}


def test_people_ahead_of_lines_with_separate_counters_do_not_mix() -> None:
    skills = {1: frozenset({A}), 2: frozenset({B})}
    line = [waiting(1, A, 30), waiting(2, B, 20), waiting(3, A, 10), waiting(4, B, 5)]
    assert people_ahead(POLICY, line, skills, NOON) == {1: 0, 2: 0, 3: 1, 4: 1}


def test_people_ahead_follows_priority_weights() -> None:
    skills = {1: frozenset({A, B})}
    line = [waiting(1, A, 15), waiting(2, B, 10, weight=2.0), waiting(3, A, 12)]
    assert people_ahead(POLICY, line, skills, NOON) == {2: 0, 1: 1, 3: 2}


def test_people_ahead_of_nobody_waiting_is_empty() -> None:
    assert people_ahead(POLICY, [], {1: frozenset({A})}, NOON) == {}


def test_people_ahead_matches_its_definition_on_random_offices() -> None:
    """Ahead of you: every ticket ranked earlier whose service shares a counter with yours."""
    generator = random.Random(20260310)
    for _ in range(50):
        services = list(range(1, generator.randint(2, 6)))
        skills = {
            counter: frozenset(generator.sample(services, generator.randint(1, len(services))))
            for counter in range(1, generator.randint(2, 5))
        }
        line = [waiting(i, generator.choice(services), generator.uniform(0, 90), generator.choice([0.5, 1, 2]))
                for i in range(1, generator.randint(1, 60))]
        ranked = POLICY.rank(line, CallContext(counter_id=0, now=NOON))
        expected = {}
        for index, ticket in enumerate(ranked):
            rivals = competing_services(ticket.service_id, skills.values())
            expected[ticket.ticket_id] = sum(1 for earlier in ranked[:index] if earlier.service_id in rivals)
        assert people_ahead(POLICY, line, skills, NOON) == expected
