"""People ahead of a waiting ticket, in an office whose counters serve overlapping services."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from waitwell.domain.calling import CallContext, CallingStrategy, Candidate


def competing_services(service_id: int, counter_services: Iterable[frozenset[int]]) -> frozenset[int]:
    """Services whose tickets compete with `service_id` for at least one counter."""
    competing = {service_id}
    for services in counter_services:
        if service_id in services:
            competing |= services
    return frozenset(competing)


def people_ahead(
    strategy: CallingStrategy,
    waiting: Sequence[Candidate],
    counter_services: Mapping[int, frozenset[int]],
    now: datetime,
) -> dict[int, int]:
    """For each waiting ticket id, how many tickets the counters would call before it.

    A ticket is ahead of yours when the calling strategy ranks it first and it
    competes for a counter that could serve you. `counter_services` should hold the
    counters that are open now; with none open, pass every counter of the office.
    """
    ranked = strategy.rank(waiting, CallContext(counter_id=0, now=now))
    competitors = {
        service_id: competing_services(service_id, counter_services.values())
        for service_id in {c.service_id for c in waiting}
    }
    # Running counts per service instead of rescanning the earlier tickets: this runs on every
    # issue and status poll, and a rescan made a 1,000-ticket line cost half a million steps.
    ranked_so_far: Counter[int] = Counter()
    ahead: dict[int, int] = {}
    for candidate in ranked:
        ahead[candidate.ticket_id] = sum(ranked_so_far[service] for service in competitors[candidate.service_id])
        ranked_so_far[candidate.service_id] += 1
    return ahead


def people_ahead_of_newest(
    waiting_per_service: Mapping[int, int], service_id: int, counter_services: Mapping[int, frozenset[int]]
) -> int:
    """People ahead of a walk-in ticket issued now, for a strategy whose `new_walk_in_ranks_last` holds:
    everyone already waiting in a line that competes with it for a counter."""
    return sum(waiting_per_service.get(service, 0)
               for service in competing_services(service_id, counter_services.values()))


def ahead_boundary(ticket: Candidate, weight: float, now: datetime) -> datetime:
    """Under weighted longest wait, a ticket of a line with `weight` scores higher than `ticket` when it has
    waited since before this moment (equal at it: then the earlier ticket goes first). Lets one ticket's
    people ahead be counted per line on an index instead of ranking the whole office."""
    score = max((now - ticket.waiting_since).total_seconds(), 0.0) * ticket.priority_weight
    return now - timedelta(seconds=score / weight)
