"""Rolling the queue forward, on hand-built snapshots of an office."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.estimates.snapshots import NOW, A, B, call_minutes, counter, snapshot, waiting
from waitwell.estimates.estimator import NEW_TICKET_ID, estimate_new_ticket, estimate_waits
from waitwell.estimates.snapshot import CounterSnapshot


def test_a_ticket_waits_behind_other_lines_on_a_shared_counter() -> None:
    # Counter 1 serves A and B, counter 2 only B; three B tickets came before the A ticket.
    office = snapshot([counter(1, A, B), counter(2, B)],
                      [waiting(11, B, 30), waiting(12, B, 25), waiting(13, B, 20), waiting(21, A, 5)])

    called = call_minutes(office)

    assert called == {11: 0, 12: 0, 13: 10, 21: 20}


def test_the_shared_counter_shortens_the_other_line() -> None:
    alone = call_minutes(snapshot([counter(2, B)], [waiting(11, B, 30), waiting(12, B, 25), waiting(13, B, 20)]))
    shared = call_minutes(snapshot([counter(1, A, B), counter(2, B)],
                                   [waiting(11, B, 30), waiting(12, B, 25), waiting(13, B, 20)]))

    assert alone[13] == 20
    assert shared[13] == 10


def test_a_paused_counter_calls_nobody_until_back_from_its_break() -> None:
    tickets = [waiting(1, A, 30), waiting(2, A, 20), waiting(3, A, 10)]
    office = snapshot([counter(1, A), counter(2, A, state="paused")], tickets)

    called = call_minutes(office, pause_return_seconds=15 * 60)

    assert called == {1: 0, 2: 10, 3: 15}


def test_a_paused_counter_first_finishes_its_current_ticket_and_a_closed_one_never_calls() -> None:
    office = snapshot([counter(1, A), counter(2, A, state="paused", serving=A, minutes_ago=1),
                       counter(3, A, state="closed")],
                      [waiting(1, A, 30), waiting(2, A, 20)])

    called = call_minutes(office, pause_return_seconds=0)

    assert called == {1: 0, 2: 9}  # counter 2 is back as soon as it finishes: 10 minutes less the 1 it ran


def test_a_current_service_that_has_already_run_long_ends_soon() -> None:
    spread_out = {A: tuple(300.0 + 15 * i for i in range(21))}  # 5 to 10 minutes
    just_started = snapshot([counter(1, A, serving=A, minutes_ago=1)], [waiting(1, A, 5)], service_seconds=spread_out)
    overrunning = snapshot([counter(1, A, serving=A, minutes_ago=30)], [waiting(1, A, 5)], service_seconds=spread_out)

    fresh = estimate_waits(just_started)[1]
    late = estimate_waits(overrunning)[1]

    assert fresh.expected_minutes == pytest.approx(7.5 - 1, abs=1.2)  # a mean of a few replays
    assert 0 < late.expected_minutes < 2.5


def test_holders_who_left_shorten_the_wait_of_those_behind() -> None:
    tickets = [waiting(i, A, 60 - i) for i in range(1, 11)]
    everyone_there = estimate_waits(snapshot([counter(1, A)], tickets))
    half_gone = estimate_waits(snapshot([counter(1, A)], tickets, no_show_rate=0.5, no_show_seconds=120.0))

    assert everyone_there[10].expected_minutes == pytest.approx(90)
    assert half_gone[10].expected_minutes < 0.75 * everyone_there[10].expected_minutes


def test_the_calling_strategy_decides_the_order() -> None:
    # A priority line (weight 3): its ticket of 10 minutes counts as 30, ahead of a B ticket of 20.
    office = snapshot([counter(1, A, B)], [waiting(1, B, 20), waiting(2, A, 10, weight=3.0)])

    called = call_minutes(office)

    assert called == {2: 0, 1: 10}


def test_a_new_ticket_goes_to_the_end_of_its_line() -> None:
    office = snapshot([counter(1, A), counter(2, B)], [waiting(1, A, 10), waiting(2, A, 5), waiting(3, B, 5)])

    new_a = estimate_new_ticket(office, A)
    new_b = estimate_new_ticket(office, B)

    assert new_a.expected_minutes == pytest.approx(20)
    assert new_b.expected_minutes == pytest.approx(10)
    assert NEW_TICKET_ID not in estimate_waits(office)


def test_estimates_are_deterministic_and_ranges_hold_the_estimate() -> None:
    varied = {A: tuple(120.0 + 37 * i for i in range(30))}
    office = snapshot([counter(1, A), counter(2, A, serving=A, minutes_ago=3)],
                      [waiting(i, A, 30 - i) for i in range(1, 12)], service_seconds=varied, no_show_rate=0.1)

    first, again = estimate_waits(office), estimate_waits(office)

    assert first == again
    for estimate in first.values():
        assert 0 <= estimate.low_minutes <= estimate.expected_minutes <= estimate.high_minutes
    assert first[11].high_minutes - first[11].low_minutes > first[1].high_minutes - first[1].low_minutes


def test_a_line_with_no_counter_open_still_gets_an_estimate() -> None:
    office = snapshot([counter(1, A), counter(2, B, state="closed")], [waiting(1, B, 10), waiting(2, B, 5)])

    estimates = estimate_waits(office)

    assert estimates[1].expected_minutes > 0
    assert estimates[2].expected_minutes >= estimates[1].expected_minutes


def test_a_break_that_began_long_ago_ends_sooner() -> None:
    tickets = [waiting(1, A, 30), waiting(2, A, 20)]
    just_paused = CounterSnapshot(2, frozenset({A}), "paused", state_since=NOW - timedelta(minutes=2))
    nearly_back = CounterSnapshot(2, frozenset({A}), "paused", state_since=NOW - timedelta(minutes=28))
    breaks = {"pause_seconds": (1800.0,) * 5}

    early = call_minutes(snapshot([counter(1, A, serving=A, minutes_ago=0), just_paused], tickets, **breaks))
    late = call_minutes(snapshot([counter(1, A, serving=A, minutes_ago=0), nearly_back], tickets, **breaks))

    assert early == {1: 10, 2: 20}  # counter 2 is back only after 28 more minutes
    assert late == {1: 2, 2: 10}
