"""A ticket no replay calls (its line has no counter open now) is estimated from its own line and position."""

from __future__ import annotations

from tests.estimates.snapshots import A, B, at, counter, snapshot, waiting
from waitwell.estimates.estimator import estimate_new_ticket, estimate_waits
from waitwell.estimates.snapshot import CounterSnapshot


def test_a_closed_line_is_not_charged_for_the_people_waiting_in_other_lines() -> None:
    # 30 people wait for A at an open counter; one B ticket waits for a counter closed now (10-minute services).
    crowd = [waiting(i, A, 60 - i) for i in range(1, 31)]
    office = snapshot([counter(1, A), counter(2, B, state="closed")], [*crowd, waiting(100, B, 5)])

    lone = estimate_waits(office)[100]

    assert lone.expected_minutes == 10  # first in its own line, one counter serves it: one service ahead of the call


def test_estimates_in_a_closed_line_grow_with_position() -> None:
    line = [waiting(10 + position, B, 30 - position) for position in range(1, 6)]
    office = snapshot([counter(1, A), counter(2, B, state="closed"), counter(3, B, state="closed")],
                      [waiting(1, A, 40), *line])

    estimates = estimate_waits(office)
    told = [estimates[t.ticket_id].expected_minutes for t in line]

    assert told == [5, 10, 15, 20, 25]  # (position) x 10 min / 2 counters serving B
    assert estimate_new_ticket(office, B).expected_minutes == 30


def test_tickets_left_uncalled_when_their_counter_closes_are_told_more_the_further_back_they_are() -> None:
    # Counter 2, the only one serving B, usually closes for good in 2 minutes (counter 1 stays open later):
    # the replays call the first B ticket, and never the three behind it.
    day = ((at(-360), "open"),)
    counters = [CounterSnapshot(1, frozenset({A}), "open", usual_changes=day),
                CounterSnapshot(2, frozenset({B}), "open", usual_changes=(*day, (at(2), "closed")))]
    line = [waiting(10 + position, B, 30 - position) for position in range(1, 5)]

    estimates = estimate_waits(snapshot(counters, line))
    told = [estimates[t.ticket_id].expected_minutes for t in line]

    assert told[0] == 0
    assert told[1] < told[2] < told[3]
