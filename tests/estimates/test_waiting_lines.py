"""The replays rank only the front of each line: the same calls, in the same order, as ranking everyone."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta

import pytest

from tests.estimates.snapshots import NOW, counter, snapshot
from waitwell.domain.appointment_calling import AppointmentsOnTime
from waitwell.domain.calling import CallContext, CallingStrategy, Candidate, WeightedLongestWait
from waitwell.estimates.rollforward import roll_forward
from waitwell.estimates.snapshot import OfficeSnapshot, WaitingTicket


class RanksEveryone:
    """The same strategy, without the promise that lets the replays look at line fronts only."""

    oldest_first_within_a_line = False

    def __init__(self, strategy: CallingStrategy) -> None:
        self.strategy = strategy
        self.name = strategy.name
        self.new_walk_in_ranks_last = strategy.new_walk_in_ranks_last

    def rank(self, candidates: Sequence[Candidate], context: CallContext) -> list[Candidate]:
        return self.strategy.rank(candidates, context)


def busy_office(seed: int) -> OfficeSnapshot:
    """Three services, two priority weights in one of them, ties in arrival time, appointments due and
    later, bookings not checked in yet, counters with different skills and one busy."""
    rng = random.Random(seed)
    tickets, expected = [], []
    for ticket_id in range(1, 121):
        service = rng.choice((1, 2, 3))
        since = NOW - timedelta(minutes=rng.choice(range(0, 90, 3)))  # several tickets share a minute
        weight = rng.choice((1.0, 2.0)) if service == 3 else 1.0
        if rng.random() < 0.15:
            tickets.append(WaitingTicket(ticket_id, service, since, weight, is_appointment=True,
                                         appointment_at=NOW + timedelta(minutes=rng.randint(-30, 40))))
        else:
            tickets.append(WaitingTicket(ticket_id, service, since, weight))
    for ticket_id in range(500, 506):
        slot = NOW + timedelta(minutes=rng.randint(5, 60))
        expected.append(WaitingTicket(ticket_id, rng.choice((1, 2, 3)), slot, 1.0, is_appointment=True,
                                      appointment_at=slot))
    counters = [counter(1, 1, 2, 3), counter(2, 1), counter(3, 2, 3, serving=2, minutes_ago=4), counter(4, 3)]
    office = snapshot(counters, tickets, service_seconds={1: (300.0, 420.0, 600.0), 2: (240.0, 900.0),
                                                          3: (180.0, 360.0)}, no_show_rate=0.1)
    return OfficeSnapshot(office.now, office.counters, office.waiting, office.history, expected=expected)


@pytest.mark.parametrize("strategy", [WeightedLongestWait(), AppointmentsOnTime(walk_ins=WeightedLongestWait())],
                         ids=lambda strategy: strategy.name)
@pytest.mark.parametrize("seed", range(6))
def test_ranking_line_fronts_calls_everyone_at_the_same_moments_as_ranking_everyone(strategy, seed) -> None:
    office = busy_office(seed)
    by_line = roll_forward(office, strategy, replays=4, seed=seed)
    everyone = roll_forward(office, RanksEveryone(strategy), replays=4, seed=seed)
    assert strategy.oldest_first_within_a_line
    assert by_line == everyone
    assert sum(len(times) for times in by_line.values()) > 300  # most of the 120 are called in each replay


class NewestFirst:
    """A plug-in strategy that promises nothing (and would break the promise)."""

    name = "newest-first"
    new_walk_in_ranks_last = False

    def rank(self, candidates: Sequence[Candidate], context: CallContext) -> list[Candidate]:
        return sorted(candidates, key=lambda c: (c.waiting_since, c.ticket_id), reverse=True)


def test_a_strategy_that_promises_nothing_has_everyone_ranked() -> None:
    busy = busy_office(1)
    office = OfficeSnapshot(busy.now, [counter(1, 1, 2, 3)], busy.waiting, busy.history)  # one counter, all lines
    rolled = roll_forward(office, NewestFirst(), replays=1)  # type: ignore[arg-type]
    called_first = [ticket_id for ticket_id, times in rolled.items() if times == [0.0]]
    newest = max(office.waiting, key=lambda t: (t.waiting_since, t.ticket_id))
    assert called_first == [newest.ticket_id]  # not the front of any line
