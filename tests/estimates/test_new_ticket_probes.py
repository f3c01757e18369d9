"""One replay of the queue times a ticket taken now for every kiosk button whose new ticket ranks last until it
is called: the same answer as a replay per button, at the cost of one."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.estimates.snapshots import NOW, counter, snapshot
from waitwell.domain.calling import WeightedLongestWait
from waitwell.estimates.estimator import estimate_new_ticket, estimate_waits, estimate_waits_and_new_tickets
from waitwell.estimates.rollforward import new_ticket_probes
from waitwell.estimates.snapshot import OfficeSnapshot, WaitingTicket

SERVICES = (1, 2, 3, 4, 5)


def office(seed: int, *, waiting: int = 150, weights: dict[int, float] | None = None) -> OfficeSnapshot:
    """Five services over counters with overlapping skills, one busy, one line empty, ties in arrival time."""
    rng = random.Random(seed)
    weights = weights or {}
    tickets = [WaitingTicket(ticket_id, service, NOW - timedelta(minutes=rng.choice(range(0, 120, 2))),
                             weights.get(service, 1.0))
               for ticket_id in range(1, waiting + 1) for service in [rng.choice((1, 2, 3, 4))]]
    counters = [counter(1, 1, 2), counter(2, 2, 3, serving=2, minutes_ago=3), counter(3, 3, 4), counter(4, 5),
                counter(5, 1, 4, 5)]
    shot = snapshot(counters, tickets, service_seconds={s: (200.0 + 40 * s, 420.0, 700.0) for s in SERVICES},
                    no_show_rate=0.08)
    return replace(shot, priority_weights={s: weights.get(s, 1.0) for s in SERVICES})


@pytest.mark.parametrize("seed", range(5))
def test_one_replay_gives_every_buttons_wait_as_a_replay_per_button_does(seed: int) -> None:
    shot = office(seed)
    assert new_ticket_probes(shot, WeightedLongestWait(), SERVICES) == frozenset(SERVICES)
    per_ticket, new_tickets = estimate_waits_and_new_tickets(shot, SERVICES)
    assert per_ticket == estimate_waits(shot)
    assert new_tickets == {service: estimate_new_ticket(shot, service) for service in SERVICES}
    assert len({estimate.expected_minutes for estimate in new_tickets.values()}) > 2  # lines really differ


def test_a_line_whose_new_ticket_could_overtake_is_replayed_on_its_own() -> None:
    """A priority line's new ticket outranks others once it has waited a while: not a probe, and still right."""
    shot = office(7, weights={3: 2.0})
    probes = new_ticket_probes(shot, WeightedLongestWait(), SERVICES)
    assert 3 not in probes and 5 in probes
    assert estimate_waits_and_new_tickets(shot, SERVICES)[1] == {
        service: estimate_new_ticket(shot, service) for service in SERVICES}


def test_a_booking_not_yet_waiting_in_a_competing_line_stops_the_shortcut() -> None:
    shot = office(8)
    later = WaitingTicket(999, 1, NOW + timedelta(minutes=10), 1.0, is_appointment=True,
                          appointment_at=NOW + timedelta(minutes=10))
    shot = replace(shot, waiting=[*shot.waiting, later])
    probes = new_ticket_probes(shot, WeightedLongestWait(), SERVICES)
    assert 1 not in probes and 2 not in probes  # counter 1 serves both: the booking competes with line 2 too
    assert estimate_waits_and_new_tickets(shot, SERVICES)[1] == {
        service: estimate_new_ticket(shot, service) for service in SERVICES}
