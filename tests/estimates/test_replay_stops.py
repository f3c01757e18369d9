"""A replay stops once the tickets asked about are called: bookings due hours later are not replayed for
nothing, and the answers are the same as from replays played to the end."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from tests.estimates.snapshots import NOW, counter, snapshot
from tests.estimates.test_waiting_lines import busy_office
from waitwell.domain.appointment_calling import AppointmentsOnTime
from waitwell.domain.calling import CallContext, Candidate, WeightedLongestWait
from waitwell.estimates.estimator import estimate_waits, estimate_waits_and_new_tickets
from waitwell.estimates.snapshot import OfficeSnapshot, WaitingTicket


class CountingCalls(AppointmentsOnTime):
    """The office's strategy, noting when each call is ranked."""

    def __init__(self) -> None:
        super().__init__(walk_ins=WeightedLongestWait())
        self.moments: list[float] = []

    def rank(self, candidates: Sequence[Candidate], context: CallContext) -> list[Candidate]:
        self.moments.append((context.now - NOW).total_seconds() / 60)
        return super().rank(candidates, context)


def short_line_and_a_day_of_bookings() -> OfficeSnapshot:
    """Three walk-ins for two counters, and 60 bookings over the next 4 hours not checked in yet."""
    office = snapshot([counter(1, 1, 2), counter(2, 1, 2)],
                      [WaitingTicket(i, 1, NOW - timedelta(minutes=10 - i)) for i in range(1, 4)],
                      service_seconds={1: (600.0,) * 20, 2: (600.0,) * 20})
    slots = [NOW + timedelta(minutes=4 * i) for i in range(1, 61)]
    expected = [WaitingTicket(-i, 2, slot, 3.0, is_appointment=True, appointment_at=slot)
                for i, slot in enumerate(slots, 1)]
    return OfficeSnapshot(office.now, office.counters, office.waiting, office.history, expected=expected)


def test_the_replays_stop_when_the_last_waiting_ticket_is_called() -> None:
    office = short_line_and_a_day_of_bookings()
    strategy = CountingCalls()

    estimates = estimate_waits(office, strategy=strategy)

    last_call = max(e.expected_minutes for e in estimates.values())
    assert last_call < 60
    assert max(strategy.moments) <= last_call  # no call ranked after it: the 4 hours of bookings are not replayed


def test_one_tickets_estimate_stops_at_its_call() -> None:
    office = short_line_and_a_day_of_bookings()
    strategy = CountingCalls()

    first = estimate_waits(office, strategy=strategy, ticket_ids=[1])

    assert set(first) == {1}
    assert strategy.moments and max(strategy.moments) == 0  # called at once: nothing after is replayed


@pytest.mark.parametrize("strategy", [WeightedLongestWait(), AppointmentsOnTime(walk_ins=WeightedLongestWait())],
                         ids=lambda strategy: strategy.name)
@pytest.mark.parametrize("seed", range(4))
def test_stopping_early_gives_the_same_estimates_as_replaying_to_the_end(strategy, seed: int) -> None:
    office = busy_office(seed)
    everyone = estimate_waits(office, strategy=strategy)
    some = [t.ticket_id for t in office.waiting][seed::7]

    assert estimate_waits(office, strategy=strategy, ticket_ids=some) == {i: everyone[i] for i in some}


def test_a_closed_lines_estimates_are_the_same_when_asked_one_by_one() -> None:
    office = snapshot([counter(1, 1), counter(2, 2, state="closed")],
                      [WaitingTicket(i, 1 + i % 2, NOW - timedelta(minutes=40 - i)) for i in range(1, 21)])
    everyone = estimate_waits(office)

    assert all(estimate_waits(office, ticket_ids=[i]) == {i: everyone[i]} for i in everyone)


def test_the_kiosks_figures_alone_are_those_given_with_every_tickets() -> None:
    office = busy_office(2)
    per_ticket, buttons = estimate_waits_and_new_tickets(office, (1, 2, 3))

    nothing, alone = estimate_waits_and_new_tickets(office, (1, 2, 3), ticket_ids=())

    assert nothing == {}
    assert alone == buttons
    assert per_ticket == estimate_waits(office)
