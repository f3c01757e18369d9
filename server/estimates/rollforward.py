"""Rolling the current queue forward over the counters open now, in a few seeded replays.

Each replay plays the office from the snapshot on: every counter finishes what it is doing
(the time a current service has already run is taken into account), then calls whoever the
calling strategy ranks first among the services it handles; each call turns out to be a
no-show with the chance the office's history gives for a ticket that has waited that long
(`no_shows`), and otherwise takes a service time drawn from the service's own recent history.
Bookings not checked in yet come, or not, as the office's bookings do (`bookings`). The moment
each waiting ticket is called is its wait in that replay.
"""

from __future__ import annotations

import bisect
import heapq
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from waitwell.domain.calling import CallContext, CallingStrategy, Candidate
from waitwell.domain.position import competing_services
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
        # Longer than anything seen: service times have long tails, so it runs on about as far, in proportion,
        # as the longest services seen ran past the tenth longest (scale-free, whatever the elapsed time).
        tail_from = samples[int(0.9 * (len(samples) - 1))]
        tail = samples[int(0.9 * (len(samples) - 1)):]
        return elapsed * (tail[int(rng.random() * len(tail))] - tail_from) / max(tail_from, 1.0)


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
    probes: frozenset[int],
    asked: frozenset[int],
    bookings: Sequence[Candidate] = (),
) -> tuple[dict[int, float], dict[int, float]]:
    """One possible future: seconds from now until each waiting ticket is called (absent: never, in this model).
    `tickets`: the waiting tickets as the strategy sees them, made once for all replays; `bookings`: those expected
    (not checked in yet), each of which comes or not, and when, as the office's bookings do.

    It stops once every ticket of `asked` is called and every probe is timed:
    what happens later changes none of their call times, and bookings due hours ahead would otherwise be
    replayed for nothing. Tickets called before that are in the answer too.

    Also, for each service of `probes`, when a ticket taken for it now would be called: the first moment a
    counter serving it is free with nobody else to call. That is exact for the services `new_ticket_probes`
    picks (the ticket would rank after everyone of its counters' lines until then, so nothing before its call
    differs from this replay): one replay serves every kiosk button instead of one replay per button."""
    history = snapshot.history
    free: list[tuple[float, int, frozenset[int]]] = []
    for plan in plans:
        service_id, elapsed = plan.busy_for
        remaining = times.draw_remaining(service_id, elapsed, rng) if service_id is not None else 0.0
        heapq.heappush(free, (remaining, plan.counter_id, plan.service_ids))
    available = {plan.counter_id: plan.availability for plan in plans}
    coming = [arrived for booking in bookings
              if (arrived := history.bookings.arrival(booking, snapshot.now, rng)) is not None]
    # A plug-in strategy that does not say so has everyone ranked at each call.
    waiting = WaitingLines([*tickets, *coming], by_line=getattr(strategy, "oldest_first_within_a_line", False))
    called: dict[int, float] = {}
    probed: dict[int, float] = {}
    unprobed = set(probes)
    to_call = len(asked)
    # Each counter's calls, newest first (appointment run limits): today's real ones, then the replay's.
    recent: dict[int, tuple[Candidate, ...]] = {c.id: c.recent_calls[:RECENT_CALLS] for c in snapshot.counters}
    while waiting and free and (to_call or unprobed):
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
            for service_id in unprobed & skills:  # a new ticket would be the only one this counter could call
                probed[service_id] = at
                unprobed.discard(service_id)
            booked = waiting.first_arrival(skills)
            if booked is not None:  # only people with an appointment later are left: the counter waits for the first
                heapq.heappush(free, ((booked - snapshot.now).total_seconds(), counter_id, skills))
            continue  # nothing left for this counter (walk-ins after now are not modelled)
        context = CallContext(counter_id=counter_id, now=moment, recent_calls=recent.get(counter_id, ()))
        chosen = strategy.rank(candidates, context)[0]
        recent[counter_id] = (chosen, *recent.get(counter_id, ()))[:RECENT_CALLS]  # newest first, like call_next
        waiting.remove(chosen)
        called[chosen.ticket_id] = at
        if chosen.ticket_id in asked:
            to_call -= 1
        waited = (moment - chosen.waiting_since).total_seconds()
        no_show = rng.random() < history.no_show_chance(chosen, waited, snapshot.utc_offset_seconds)
        busy = history.no_show_seconds if no_show else times.draw(chosen.service_id, rng)
        heapq.heappush(free, (at + busy, counter_id, skills))
    for at, counter_id, skills in free if unprobed else ():  # everyone called: the first counter free after
        calls_at = available[counter_id].open_from(at)
        for service_id in unprobed & skills:
            if calls_at is not None and calls_at < probed.get(service_id, float("inf")):
                probed[service_id] = calls_at
    return called, probed


def roll_forward(
    snapshot: OfficeSnapshot,
    strategy: CallingStrategy,
    *,
    replays: int,
    seed: int = 0,
    pause_return_seconds: float | None = None,
    probes: frozenset[int] = frozenset(),
    ticket_ids: Collection[int] | None = None,
) -> Mapping[int, list[float]]:
    """Call times (seconds from now) of each waiting ticket over `replays` seeded replays; with `probes`, also
    those of a ticket taken now for each of those services, keyed by `probe_key(service_id)`.

    With `ticket_ids`, each replay stops once those tickets are called (and the probes timed): the others have
    call times only where the replay got to them first. Under a strategy that calls a line oldest first, a
    ticket's line-mates ahead of it are called before it, so theirs are complete whenever its own are.

    Each replay has a seed of its own, so a replay's draws do not depend on what the ones before it drew (a
    replay with one more ticket draws the same until that ticket is called)."""
    plans = server_plans(snapshot, pause_return_seconds)
    times = ServiceTimes(snapshot)
    outcomes: dict[int, list[float]] = {t.ticket_id: [] for t in snapshot.waiting}
    outcomes.update({probe_key(service_id): [] for service_id in probes})
    candidates = [t.as_candidate() for t in snapshot.waiting]
    bookings = [t.as_candidate() for t in snapshot.expected]
    waiting_ids = frozenset(t.ticket_id for t in snapshot.waiting)
    asked = waiting_ids if ticket_ids is None else waiting_ids.intersection(ticket_ids)
    for index in range(replays):
        rng = random.Random(seed * 1_000_003 + index)
        called, probed = replay(snapshot, strategy, plans, times, rng, candidates, probes, asked, bookings)
        for ticket_id, seconds in called.items():
            if ticket_id in outcomes:  # not the expected appointments
                outcomes[ticket_id].append(seconds)
        for service_id, seconds in probed.items():
            outcomes[probe_key(service_id)].append(seconds)
    return outcomes


def probe_key(service_id: int) -> int:
    """Where `roll_forward` puts the call times of a ticket taken now for `service_id` (no ticket id is negative)."""
    return -service_id


def new_ticket_probes(snapshot: OfficeSnapshot, strategy: CallingStrategy,
                      service_ids: Iterable[int]) -> frozenset[int]:
    """The services whose ticket taken now one replay of the current queue can time (`replay`'s probes): under
    weighted longest wait, when everyone its counters could call instead has waited since before now with a
    priority weight at least its own, so it ranks after all of them at every moment until it is called."""
    if not getattr(strategy, "ranks_by_weighted_wait", False):
        return frozenset()
    skills = [counter.service_ids for counter in snapshot.counters]
    tickets = (*snapshot.waiting, *snapshot.expected)
    chosen = set()
    for service_id in service_ids:
        weight = snapshot.priority_weights.get(service_id, 1.0)
        competing = competing_services(service_id, skills)
        if all(t.waiting_since <= snapshot.now and t.priority_weight >= weight
               for t in tickets if t.service_id in competing):
            chosen.add(service_id)
    return frozenset(chosen)
