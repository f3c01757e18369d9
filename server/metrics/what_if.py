"""What if: replay the rest of today with one more or one fewer open counter for a service.

Built on the estimator's roll-forward pieces (`waitwell.estimates.rollforward`: the counters'
plans, service times learned from history, the no-show rate) with one addition the estimator does
not need: people who have not arrived yet, drawn from the typical arrivals of this weekday.
Every variant replays the same arrivals and the same random draws, so the difference between
them is the counter, not the luck of the draw.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from waitwell.domain.calling import CallContext, CallingStrategy, Candidate
from waitwell.estimates.rollforward import ServerPlan, ServiceTimes
from waitwell.estimates.snapshot import OfficeSnapshot
from waitwell.metrics.stats import average, percentile

EXTRA_COUNTER_ID = -1  # the counter "one more" adds; real ids are positive


@dataclass(frozen=True)
class CounterPlan:
    """A counter in the replays: what it serves, its current ticket, and when it calls tickets.

    `calls_from(seconds)` is the first moment at or after `seconds` (from now) when it calls, or None if
    it will not call again today (closed for the day).
    """

    counter_id: int
    service_ids: frozenset[int]
    busy_for: tuple[int | None, float]  # (service of the current ticket, seconds it has run) or (None, 0)
    calls_from: Callable[[float], float | None]

    @property
    def open_now(self) -> bool:
        return self.calls_from(0.0) == 0.0


def counter_plans(plans: Sequence[ServerPlan]) -> list[CounterPlan]:
    """The estimator's plans of the counters, as the what-if replays use them."""
    return [CounterPlan(p.counter_id, p.service_ids, p.busy_for, _calls_from(p)) for p in plans]


def _calls_from(plan: ServerPlan) -> Callable[[float], float | None]:
    availability = getattr(plan, "availability", None)
    if availability is not None:  # the estimator's roster: breaks and shifts from the office's recent days
        return availability.open_from  # type: ignore[no-any-return]
    back_after = float(getattr(plan, "back_after", 0.0))
    return lambda seconds: max(seconds, back_after)


@dataclass(frozen=True)
class Arrival:
    seconds_from_now: float
    service_id: int


def draw_arrivals(rates: Sequence[tuple[float, float, int, float]], rng: random.Random) -> list[Arrival]:
    """Poisson arrivals from (start, end, service_id, tickets per hour) segments, seconds from now."""
    arrivals = []
    for start, end, service_id, per_hour in rates:
        if per_hour <= 0 or end <= start:
            continue
        moment = start + rng.expovariate(per_hour / 3600)
        while moment < end:
            arrivals.append(Arrival(moment, service_id))
            moment += rng.expovariate(per_hour / 3600)
    return sorted(arrivals, key=lambda a: a.seconds_from_now)


@dataclass(frozen=True)
class ReplayWaits:
    """Waits (seconds, from joining the line to the call) of everyone a replay called, per service."""

    waits: dict[int, list[float]]
    never_called: int


def replay_with_arrivals(
    snapshot: OfficeSnapshot, strategy: CallingStrategy, plans: Sequence[CounterPlan], times: ServiceTimes,
    arrivals: Sequence[Arrival], rng: random.Random,
) -> ReplayWaits:
    """One possible rest of the day: the people waiting now and those still to come, over `plans`."""
    free: list[tuple[float, int, frozenset[int]]] = []
    calls_from = {plan.counter_id: plan.calls_from for plan in plans}
    for plan in plans:
        service_id, elapsed = plan.busy_for
        remaining = times.draw_remaining(service_id, elapsed, rng) if service_id is not None else 0.0
        heapq.heappush(free, (remaining, plan.counter_id, plan.service_ids))
    waiting: dict[int, Candidate] = {t.ticket_id: t.as_candidate() for t in snapshot.waiting}
    to_come = list(arrivals)
    next_arrival = 0
    waits: dict[int, list[float]] = {}
    weights = snapshot.priority_weights
    while free and (waiting or next_arrival < len(to_come)):
        at, counter_id, skills = heapq.heappop(free)
        calls_at = calls_from[counter_id](at)
        if calls_at is None:
            continue  # closed for the rest of the day
        if calls_at > at:
            heapq.heappush(free, (calls_at, counter_id, skills))  # back from a break, or a shift starting
            continue
        while next_arrival < len(to_come) and to_come[next_arrival].seconds_from_now <= at:
            arrival = to_come[next_arrival]
            ticket_id = -(next_arrival + 1)  # arrivals get negative ids, never a real ticket's
            waiting[ticket_id] = Candidate(ticket_id, arrival.service_id,
                                           snapshot.now + timedelta(seconds=arrival.seconds_from_now),
                                           weights.get(arrival.service_id, 1.0))
            next_arrival += 1
        candidates = [c for c in waiting.values() if c.service_id in skills]
        if not candidates:
            later = [a.seconds_from_now for a in to_come[next_arrival:] if a.service_id in skills]
            if later:
                heapq.heappush(free, (later[0], counter_id, skills))  # idle until someone for it arrives
            continue
        moment = snapshot.now + timedelta(seconds=at)
        chosen = strategy.rank(candidates, CallContext(counter_id=counter_id, now=moment))[0]
        del waiting[chosen.ticket_id]
        waits.setdefault(chosen.service_id, []).append((moment - chosen.waiting_since).total_seconds())
        no_show = rng.random() < snapshot.history.no_show_rate
        busy = snapshot.history.no_show_seconds if no_show else times.draw(chosen.service_id, rng)
        heapq.heappush(free, (at + busy, counter_id, skills))
    return ReplayWaits(waits, never_called=len(waiting) + len(to_come) - next_arrival)


def with_one_more(plans: Sequence[CounterPlan], service_id: int) -> list[CounterPlan]:
    """An extra counter serving only `service_id`, free now and open for the rest of the day."""
    return [*plans, CounterPlan(EXTRA_COUNTER_ID, frozenset({service_id}), (None, 0.0), lambda seconds: seconds)]


def with_one_fewer(plans: Sequence[CounterPlan], service_id: int) -> list[CounterPlan] | None:
    """Without one counter open now for `service_id` (the one serving the fewest other services), for the rest of
    the day; None when no counter is open for it."""
    serving = [p for p in plans if service_id in p.service_ids and p.open_now]
    if not serving:
        return None
    gone = min(serving, key=lambda p: (len(p.service_ids), -p.counter_id))
    return [p for p in plans if p is not gone]


@dataclass(frozen=True)
class VariantOutcome:
    """Averages over the replays, in minutes; people per replay."""

    name: str  # "as now", "one more", "one fewer"
    counters_for_service: int  # open now
    average_wait: float | None
    p90_wait: float | None
    service_average_wait: float | None
    people: float
    never_called: float


def compare_variants(
    snapshot: OfficeSnapshot, strategy: CallingStrategy, plans: Sequence[CounterPlan], service_id: int,
    rates: Sequence[tuple[float, float, int, float]], *, replays: int = 20, seed: int = 0,
) -> list[VariantOutcome]:
    """The rest of the day as now, with one more and (if there is one to take away) one fewer counter."""
    variants: list[tuple[str, Sequence[CounterPlan]]] = [
        ("as now", plans), ("one more", with_one_more(plans, service_id)),
    ]
    fewer = with_one_fewer(plans, service_id)
    if fewer is not None:
        variants.append(("one fewer", fewer))
    times = ServiceTimes(snapshot)
    results: dict[str, list[ReplayWaits]] = {name: [] for name, _ in variants}
    for index in range(replays):
        arrivals = draw_arrivals(rates, random.Random(f"{seed}:arrivals:{index}"))
        for name, variant in variants:
            rng = random.Random(f"{seed}:replay:{index}")  # the same draws for every variant
            results[name].append(replay_with_arrivals(snapshot, strategy, variant, times, arrivals, rng))
    return [_outcome(name, variant, results[name], service_id) for name, variant in variants]


def _outcome(name: str, plans: Sequence[CounterPlan], runs: list[ReplayWaits], service_id: int) -> VariantOutcome:
    everyone = [w / 60 for run in runs for waits in run.waits.values() for w in waits]
    mine = [w / 60 for run in runs for w in run.waits.get(service_id, [])]
    return VariantOutcome(
        name=name,
        counters_for_service=sum(1 for p in plans if service_id in p.service_ids and p.open_now),
        average_wait=average(everyone),
        p90_wait=percentile(everyone, 0.9),
        service_average_wait=average(mine),
        people=len(everyone) / len(runs) if runs else 0.0,
        never_called=sum(run.never_called for run in runs) / len(runs) if runs else 0.0,
    )


def arrival_rates(
    per_hour: Mapping[tuple[int, int], float], now_local: datetime, until_local: datetime
) -> list[tuple[float, float, int, float]]:
    """(start, end, service, tickets per hour) segments from now to `until_local`, from typical tickets per
    (service, local hour); the current hour counts only for what is left of it."""
    segments = []
    hour_start = now_local.replace(minute=0, second=0, microsecond=0)
    while hour_start < until_local:
        hour_end = hour_start + timedelta(hours=1)
        start = max(hour_start, now_local)
        end = min(hour_end, until_local)
        for (service_id, hour), rate in per_hour.items():
            if hour == hour_start.hour and rate > 0 and end > start:
                segments.append(((start - now_local).total_seconds(), (end - now_local).total_seconds(),
                                 service_id, rate))
        hour_start = hour_end
    return segments

