"""Rolling the current queue forward over the counters open now, in a few seeded replays.

Each replay plays the office from the snapshot on: every counter finishes what it is doing
(the time a current service has already run is taken into account), then calls whoever the
calling strategy ranks first among the services it handles; each call turns out to be a
no-show with the observed rate, and otherwise takes a service time drawn from the service's
own recent history. The moment each waiting ticket is called is its wait in that replay.
"""

from __future__ import annotations

import bisect
import heapq
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from waitwell.domain.calling import CallContext, CallingStrategy, Candidate
from waitwell.estimates.lines import WaitingLines
from waitwell.estimates.roster import Availability, availability
from waitwell.estimates.service_times import service_samples
from waitwell.estimates.snapshot import CounterSnapshot, OfficeSnapshot

RECENT_CALLS = 5  # calls per counter a calling strategy sees, as call_next gives it


@dataclass(frozen=True)
class ServerPlan:
    """A counter in the replays: what it serves, what it is doing now, and when it calls tickets."""

    counter_id: int
    service_ids: frozenset[int]
    busy_for: tuple[int | None, float]  # (service of the current ticket, seconds it has run) or (None, 0)
    availability: Availability


class ServiceTimes:
    """Draws service times per service from recent history (a bootstrap over the observed times)."""

    def __init__(self, snapshot: OfficeSnapshot) -> None:
        self._history = snapshot.history
        self._sorted: dict[int, list[float]] = {}

    def samples(self, service_id: int) -> list[float]:
        if service_id not in self._sorted:
            self._sorted[service_id] = sorted(service_samples(self._history, service_id))
        return self._sorted[service_id]

    def draw(self, service_id: int, rng: random.Random) -> float:
        samples = self.samples(service_id)
        return samples[int(rng.random() * len(samples))]

    def draw_remaining(self, service_id: int, elapsed: float, rng: random.Random) -> float:
        """Time left of a service that has already run `elapsed` seconds: drawn among longer services."""
        samples = self.samples(service_id)
        longer = bisect.bisect_right(samples, elapsed)
        if longer < len(samples):
            return samples[longer + int(rng.random() * (len(samples) - longer))] - elapsed
        # Longer than anything seen: it should end soon, but nobody knows exactly when.
        typical = samples[len(samples) // 2]
        return rng.expovariate(1.0) * typical * 0.25


def server_plans(snapshot: OfficeSnapshot, pause_return_seconds: float | None = None) -> list[ServerPlan]:
    """The counters that may call tickets from now on (see roster.availability for when)."""
    return [
        ServerPlan(counter.id, counter.service_ids, _busy_for(snapshot, counter),
                   availability(snapshot, counter, pause_return_seconds))
        for counter in snapshot.counters
        if counter.service_ids
    ]


def _busy_for(snapshot: OfficeSnapshot, counter: CounterSnapshot) -> tuple[int | None, float]:
    if counter.current_service_id is None:
        return (None, 0.0)
    started = counter.current_started_at or snapshot.now
    return (counter.current_service_id, max((snapshot.now - started).total_seconds(), 0.0))


def replay(
    snapshot: OfficeSnapshot,
    strategy: CallingStrategy,
    plans: list[ServerPlan],
    times: ServiceTimes,
    rng: random.Random,
    tickets: list[Candidate],
) -> dict[int, float]:
    """One possible future: seconds from now until each waiting ticket is called (absent: never, in this model).
    `tickets`: the waiting and expected tickets as the strategy sees them, made once for all replays."""
    history = snapshot.history
    free: list[tuple[float, int, frozenset[int]]] = []
    for plan in plans:
        service_id, elapsed = plan.busy_for
        remaining = times.draw_remaining(service_id, elapsed, rng) if service_id is not None else 0.0
        heapq.heappush(free, (remaining, plan.counter_id, plan.service_ids))
    available = {plan.counter_id: plan.availability for plan in plans}
    # A plug-in strategy that does not say so has everyone ranked at each call.
    waiting = WaitingLines(tickets, by_line=getattr(strategy, "oldest_first_within_a_line", False))
    called: dict[int, float] = {}
    recent: dict[int, tuple[Candidate, ...]] = {}  # each counter's calls in this replay (appointment run limits)
    while waiting and free:
        at, counter_id, skills = heapq.heappop(free)
        calls_at = available[counter_id].open_from(at)
        if calls_at is None:
            continue  # paused or closed for the rest of the day
        if calls_at > at:
            heapq.heappush(free, (calls_at, counter_id, skills))  # back from a break, or a shift starting
            continue
        moment = snapshot.now + timedelta(seconds=at)
        candidates = waiting.callable(skills, moment)
        if not candidates:
            booked = waiting.first_arrival(skills)
            if booked is not None:  # only people with an appointment later are left: the counter waits for the first
                heapq.heappush(free, ((booked - snapshot.now).total_seconds(), counter_id, skills))
            continue  # nothing left for this counter (walk-ins after now are not modelled)
        context = CallContext(counter_id=counter_id, now=moment, recent_calls=recent.get(counter_id, ()))
        chosen = strategy.rank(candidates, context)[0]
        recent[counter_id] = (chosen, *recent.get(counter_id, ()))[:RECENT_CALLS]  # newest first, like call_next
        waiting.remove(chosen)
        called[chosen.ticket_id] = at
        no_show = rng.random() < history.no_show_rate
        busy = history.no_show_seconds if no_show else times.draw(chosen.service_id, rng)
        heapq.heappush(free, (at + busy, counter_id, skills))
    return called


def roll_forward(
    snapshot: OfficeSnapshot,
    strategy: CallingStrategy,
    *,
    replays: int,
    seed: int = 0,
    pause_return_seconds: float | None = None,
) -> Mapping[int, list[float]]:
    """Call times (seconds from now) of each waiting ticket over `replays` seeded replays."""
    rng = random.Random(seed)
    plans = server_plans(snapshot, pause_return_seconds)
    times = ServiceTimes(snapshot)
    outcomes: dict[int, list[float]] = {t.ticket_id: [] for t in snapshot.waiting}
    candidates = [t.as_candidate() for t in (*snapshot.waiting, *snapshot.expected)]
    for _ in range(replays):
        for ticket_id, seconds in replay(snapshot, strategy, plans, times, rng, candidates).items():
            if ticket_id in outcomes:  # not the expected appointments
                outcomes[ticket_id].append(seconds)
    return outcomes
