"""Who comes to the office on a simulated day, and everything about them decided up front from the seed."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, replace

from waitwell.simulation.scenario import Scenario

MINUTE = 60.0


@dataclass(frozen=True)
class Visitor:
    """One ticket holder. Times are seconds after local midnight; `leaves_after` is seconds of waiting."""

    arrives: float
    prefix: str
    leaves_after: float  # they silently leave once they have waited this long (math.inf: never)
    walk_seconds: float  # from the call to the counter
    service_seconds: float  # at the counter, once there
    recall_after: float  # when nobody comes: the clerk calls again after this long
    no_show_after: float  # ...and gives up this long after the first call
    is_appointment: bool = False
    slot: float | None = None  # a booking's slot (seconds after local midnight), booked the night before
    comes: bool = True  # a booking never kept: nobody checks in


def rate_at(curve: tuple[tuple[float, float], ...], hour: float) -> float:
    """Walk-in tickets per hour at a local hour, linear between the curve's points, zero outside."""
    if hour < curve[0][0] or hour > curve[-1][0]:
        return 0.0
    for (h0, r0), (h1, r1) in itertools.pairwise(curve):
        if h0 <= hour <= h1:
            return r0 + (r1 - r0) * (hour - h0) / (h1 - h0) if h1 > h0 else r1
    return curve[-1][1]


def lognormal_seconds(rng: random.Random, mean_minutes: float, cv: float) -> float:
    """A lognormal draw with the given mean and coefficient of variation, in seconds."""
    sigma = math.sqrt(math.log(1 + cv * cv))
    mu = math.log(mean_minutes * MINUTE) - sigma * sigma / 2
    return rng.lognormvariate(mu, sigma)


def visitors_of_the_day(scenario: Scenario, rng: random.Random) -> list[Visitor]:
    """Walk-ins from a non-homogeneous Poisson process (by thinning) plus appointment check-ins, by arrival."""
    peak = max(rate for _, rate in scenario.arrival_curve)
    walk_in = [s for s in scenario.services if s.share > 0]
    weights = [s.share for s in walk_in]
    visitors = []
    hour = scenario.doors_open
    while True:
        hour += rng.expovariate(peak)
        if hour >= scenario.doors_close:
            break
        if rng.random() * peak > rate_at(scenario.arrival_curve, hour):
            continue
        service = rng.choices(walk_in, weights)[0]
        visitors.append(_visitor(scenario, rng, hour * 3600, service.prefix, appointment=False))
    if scenario.appointments:
        visitors.extend(_appointment_visitors(scenario, rng))
    return sorted(visitors, key=lambda v: v.arrives)


def _appointment_visitors(scenario: Scenario, rng: random.Random) -> list[Visitor]:
    """One booking per slot; those who come check in around their slot (within the check-in window)."""
    booked = scenario.appointments
    assert booked is not None
    visitors = []
    slot = booked.first_hour * 3600
    while slot <= booked.last_hour * 3600:
        for _ in range(booked.per_slot):
            comes = rng.random() < booked.show_rate
            check_in = max(slot + rng.uniform(*booked.check_in_minutes) * MINUTE, scenario.doors_open * 3600)
            visitor = _visitor(scenario, rng, check_in, booked.prefix, appointment=True)
            visitors.append(replace(visitor, slot=slot, comes=comes))
        slot += booked.every_minutes * MINUTE
    return visitors


def _visitor(scenario: Scenario, rng: random.Random, arrives: float, prefix: str, *, appointment: bool) -> Visitor:
    spec = scenario.service(prefix)
    if appointment:
        leaves_after = math.inf
    elif rng.random() < scenario.gone_early_rate:
        leaves_after = rng.uniform(0, 10) * MINUTE
    else:
        patience = rng.lognormvariate(math.log(scenario.patience_median_minutes), scenario.patience_sigma) * MINUTE
        leaves_after = patience * scenario.patience_at(arrives / 3600)  # and the line seen, on arrival
    recall_after = rng.uniform(45, 75)
    return Visitor(
        arrives=arrives,
        prefix=prefix,
        leaves_after=leaves_after,
        walk_seconds=rng.uniform(20, 60),
        service_seconds=lognormal_seconds(rng, spec.mean_minutes, spec.cv),
        recall_after=recall_after,
        no_show_after=recall_after + rng.uniform(30, 90),
        is_appointment=appointment,
    )
